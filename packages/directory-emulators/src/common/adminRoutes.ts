// The HTTP admin API (under /__admin), the same operations the programmatic API offers, for the
// standalone command and for tools in other processes. It answers plain JSON, not a provider's envelope.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { EmulatorControl, SeedRejected } from './control.js';
import { QuotaSpecCodec } from './control.js';
import { FaultSpec } from './faults.js';
import { ADMIN_PREFIX, parseJson } from './http.js';

export interface AdminTarget<Q extends string> {
  readonly control: EmulatorControl<Q>;
  readonly quotaNames: ReadonlyArray<Q>;
  readonly seed: (seed: unknown) => Promise<E.Either<SeedRejected, void>>;
  readonly dump: () => unknown;
  readonly user: (key: string) => unknown;
  readonly passwordMatches: (key: string, candidate: string) => Promise<boolean | undefined>;
  readonly audit: () => unknown;
  /** The user changes their own password in the directory (R16's "external change"). */
  readonly changePasswordAsUser: (key: string, password: string) => Promise<UserPasswordChange>;
  /** When set, every /__admin request must carry `Authorization: Bearer <adminToken>` (401 otherwise). */
  readonly adminToken?: string | undefined;
}

/** What a password change made "as the user would" came to; `message` never quotes the password. */
export type UserPasswordChange =
  { readonly _tag: 'Changed' } | { readonly _tag: 'NoSuchUser' } | { readonly _tag: 'Rejected'; readonly message: string };

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
/** Compares in constant time (by hashes, so lengths do not leak). */
const sameToken = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

const PasswordCheck = t.type({ password: t.string });
const Advance = t.type({ seconds: t.number });

const bad = (message: string): { readonly error: string } => ({ error: message });

export const registerAdminRoutes = <Q extends string>(app: FastifyInstance, target: AdminTarget<Q>): void => {
  const p = ADMIN_PREFIX;
  const { adminToken } = target;
  if (adminToken !== undefined) {
    // By the matched route's pattern, so no spelling of the path (percent-encoding, case) slips past.
    app.addHook('onRequest', async (req, reply) => {
      if (!(req.routeOptions.url ?? '').startsWith(p)) return;
      const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '')?.[1];
      if (given === undefined || !sameToken(given, adminToken))
        await reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="emulator-admin"')
          .send(bad('the admin API needs Authorization: Bearer <admin token>'));
    });
  }
  const body = <A>(codec: t.Decoder<unknown, A>, raw: ReturnType<typeof parseJson>): E.Either<string, A> =>
    raw._tag === 'Parsed' ? E.mapLeft(() => `expected ${codec.name}`)(codec.decode(raw.value)) : E.left('expected a JSON body');

  app.get(`${p}/state`, (_req, reply) => reply.send(target.dump()));
  app.post(`${p}/seed`, async (req, reply) => {
    const raw = parseJson(req);
    if (raw._tag !== 'Parsed') return reply.code(400).send(bad('expected a JSON seed'));
    const r = await target.seed(raw.value);
    return E.isLeft(r) ? reply.code(400).send(bad(r.left.message)) : reply.send({ ok: true });
  });
  app.get(`${p}/faults`, (_req, reply) => reply.send(target.control.faults()));
  app.post(`${p}/faults`, (req, reply) => {
    const spec = body(FaultSpec, parseJson(req));
    return E.isLeft(spec) ? reply.code(400).send(bad(spec.left)) : reply.send({ id: target.control.injectFault(spec.right) });
  });
  app.delete(`${p}/faults`, (_req, reply) => {
    target.control.clearFaults();
    return reply.send({ ok: true });
  });
  app.get(`${p}/quotas`, (_req, reply) => reply.send(target.control.quotas()));
  app.put<{ Params: { name: string } }>(`${p}/quotas/:name`, (req, reply) => {
    const name = target.quotaNames.find((q) => q === req.params.name);
    if (name === undefined) return reply.code(404).send(bad(`unknown quota; known: ${target.quotaNames.join(', ')}`));
    const spec = body(QuotaSpecCodec, parseJson(req));
    if (E.isLeft(spec)) return reply.code(400).send(bad('expected {"limit": n, "windowSeconds": s} or null'));
    target.control.setQuota(name, spec.right);
    return reply.send(target.control.quotas());
  });
  app.get(`${p}/requests`, (_req, reply) => reply.send(target.control.requestCounts()));
  app.delete(`${p}/requests`, (_req, reply) => {
    target.control.resetRequestCounts();
    return reply.send({ ok: true });
  });
  app.post(`${p}/clock`, (req, reply) => {
    const adv = body(Advance, parseJson(req));
    if (E.isLeft(adv)) return reply.code(400).send(bad('expected {"seconds": n}'));
    target.control.advanceClock(adv.right.seconds);
    return reply.send({ ok: true });
  });
  app.get(`${p}/audit`, (_req, reply) => reply.send(target.audit()));
  app.get<{ Params: { key: string } }>(`${p}/users/:key`, (req, reply) => {
    const u = target.user(req.params.key);
    return u === undefined ? reply.code(404).send(bad('no such user')) : reply.send(u);
  });
  app.post<{ Params: { key: string } }>(`${p}/users/:key/password-check`, async (req, reply) => {
    const check = body(PasswordCheck, parseJson(req));
    if (E.isLeft(check)) return reply.code(400).send(bad('expected {"password": "…"}'));
    const m = await target.passwordMatches(req.params.key, check.right.password);
    return m === undefined ? reply.code(404).send(bad('no such user')) : reply.send({ matches: m });
  });
  // The user changes their own password in the directory, outside Takeover (the demo's "external change").
  app.post<{ Params: { key: string } }>(`${p}/users/:key/password`, async (req, reply) => {
    const change = body(PasswordCheck, parseJson(req));
    if (E.isLeft(change)) return reply.code(400).send(bad('expected {"password": "…"}'));
    const r = await target.changePasswordAsUser(req.params.key, change.right.password);
    switch (r._tag) {
      case 'Changed':
        return reply.code(204).send();
      case 'NoSuchUser':
        return reply.code(404).send(bad('no such user'));
      case 'Rejected':
        return reply.code(400).send(bad(`password: ${r.message}`));
    }
  });
};
