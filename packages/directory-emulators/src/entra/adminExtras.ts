// The Entra emulator's own admin routes (under /__admin, beside the shared ones in
// common/adminRoutes.ts): the timing profile and how the tenant is configured, so a test or tool
// in another process can make the directory strict or misconfigured in each way a real one can be.
//   PUT /__admin/profile               {"profile": "realistic" | "default"} or {"propagationDelayMs": n}
//   PUT /__admin/apps/:clientId/permissions   ["User.ReadWrite.All", …]
//   PUT /__admin/apps/:clientId/roles         ["User Administrator", …]
//   PUT /__admin/users/:key/roles             ["Global Administrator", …]
//   PUT /__admin/domains/:domain              {"authenticationType": "Managed" | "Federated"}
import type { FastifyInstance } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { ADMIN_PREFIX, parseJson } from '../common/http.js';
import type { EntraEmulator } from './emulator.js';

export type EntraSettings = Pick<
  EntraEmulator,
  | 'setAppPermissions'
  | 'setAppRoles'
  | 'setUserRoles'
  | 'setDomainAuthentication'
  | 'setProfile'
  | 'setPropagationDelay'
  | 'propagationDelayMs'
>;

const Profile = t.union([
  t.type({ profile: t.union([t.literal('default'), t.literal('realistic')]) }),
  t.type({ propagationDelayMs: t.number }),
]);
const Names = t.array(t.string);
const DomainAuth = t.type({ authenticationType: t.union([t.literal('Managed'), t.literal('Federated')]) });

export const registerEntraAdminRoutes = (app: FastifyInstance, s: EntraSettings): void => {
  const p = ADMIN_PREFIX;
  const decode = <A>(codec: t.Decoder<unknown, A>, req: Parameters<typeof parseJson>[0]): E.Either<string, A> => {
    const raw = parseJson(req);
    return raw._tag === 'Parsed' ? E.mapLeft(() => `expected ${codec.name}`)(codec.decode(raw.value)) : E.left('expected a JSON body');
  };
  app.get(`${p}/profile`, (_req, reply) => reply.send({ propagationDelayMs: s.propagationDelayMs() }));
  app.put(`${p}/profile`, (req, reply) => {
    const b = decode(Profile, req);
    if (E.isLeft(b)) return reply.code(400).send({ error: b.left });
    if ('profile' in b.right) s.setProfile(b.right.profile);
    else s.setPropagationDelay(b.right.propagationDelayMs);
    return reply.send({ propagationDelayMs: s.propagationDelayMs() });
  });
  app.put<{ Params: { clientId: string } }>(`${p}/apps/:clientId/permissions`, (req, reply) => {
    const b = decode(Names, req);
    if (E.isLeft(b)) return reply.code(400).send({ error: b.left });
    s.setAppPermissions(req.params.clientId, b.right);
    return reply.send({ ok: true });
  });
  app.put<{ Params: { clientId: string } }>(`${p}/apps/:clientId/roles`, (req, reply) => {
    const b = decode(Names, req);
    if (E.isLeft(b)) return reply.code(400).send({ error: b.left });
    s.setAppRoles(req.params.clientId, b.right);
    return reply.send({ ok: true });
  });
  app.put<{ Params: { key: string } }>(`${p}/users/:key/roles`, (req, reply) => {
    const b = decode(Names, req);
    if (E.isLeft(b)) return reply.code(400).send({ error: b.left });
    s.setUserRoles(req.params.key, b.right);
    return reply.send({ ok: true });
  });
  app.put<{ Params: { domain: string } }>(`${p}/domains/:domain`, (req, reply) => {
    const b = decode(DomainAuth, req);
    if (E.isLeft(b)) return reply.code(400).send({ error: b.left });
    s.setDomainAuthentication(req.params.domain, b.right.authenticationType);
    return reply.send({ ok: true });
  });
};
