// The Google emulator's HTTP surface: the token endpoint and Directory API v1 users.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type { ProviderReply } from '../common/http.js';
import { parseForm, parseJson, send } from '../common/http.js';
import type { GoogleApiError } from './errors.js';
import { googleError, renderGoogleError, renderOAuthError } from './errors.js';
import { listUsers } from './list.js';
import type { ListParams } from './list.js';
import { renderUser } from './render.js';
import type { Caller, GoogleRuntime, Need } from './runtime.js';
import { authorize } from './runtime.js';
import type { ActivityParams } from './reports.js';
import { listActivities, REPORTS_PATH } from './reports.js';
import { exchangeAssertion } from './token.js';
import { deleteUser, insertUser, readableUser, signOutUser, updateUser } from './users.js';
import { decodeUserWrite } from './userWrite.js';

export const USERS_PATH = '/admin/directory/v1/users';

type Handler = (caller: Caller, req: FastifyRequest) => Promise<E.Either<GoogleApiError, ProviderReply>>;

const ok = (body: unknown, status = 200): ProviderReply => ({ status, body });

const jsonBody = (req: FastifyRequest): E.Either<GoogleApiError, unknown> => {
  const parsed = parseJson(req);
  switch (parsed._tag) {
    case 'Parsed':
      return E.right(parsed.value);
    case 'Empty':
      return E.right({});
    case 'Malformed':
      return E.left(googleError('parseError'));
  }
};

export const registerGoogleRoutes = (
  app: FastifyInstance,
  rt: GoogleRuntime,
  tokenUrl: () => string,
  tokenLifetimeSeconds: number,
): void => {
  const api = (need: Need, handler: Handler) => async (req: FastifyRequest, reply: FastifyReply) => {
    const caller = authorize(rt, req, need);
    if (E.isLeft(caller)) return send(reply, renderGoogleError(caller.left));
    const r = await handler(caller.right, req);
    return send(reply, E.isLeft(r) ? renderGoogleError(r.left) : r.right);
  };
  const key = (req: FastifyRequest): string => (req.params as { userKey: string }).userKey;
  const write = (mode: 'insert' | 'update') => async (caller: Caller, req: FastifyRequest) => {
    const body = jsonBody(req);
    if (E.isLeft(body)) return body;
    const changes = decodeUserWrite(body.right, mode);
    if (E.isLeft(changes)) return changes;
    const actor = caller.admin.primaryEmail;
    const r = mode === 'insert' ? await insertUser(rt, changes.right, actor) : await updateUser(rt, key(req), changes.right, actor);
    return E.map((u: Parameters<typeof renderUser>[1]) => ok(renderUser(rt.state, u)))(r);
  };

  app.post('/token', (req, reply) => {
    const r = exchangeAssertion(rt.state, parseForm(req), rt.clock.now(), tokenUrl(), tokenLifetimeSeconds);
    if (E.isLeft(r)) return send(reply, renderOAuthError(r.left));
    rt.state.sessions.set(r.right.accessToken, r.right.session);
    return send(reply, ok({ access_token: r.right.accessToken, expires_in: r.right.expiresIn, token_type: 'Bearer' }));
  });

  app.post(USERS_PATH, api('write', write('insert')));
  app.put(`${USERS_PATH}/:userKey`, api('write', write('update')));
  app.patch(`${USERS_PATH}/:userKey`, api('write', write('update')));
  app.get(
    `${USERS_PATH}/:userKey`,
    api('read', (_c, req) => {
      // A user still being created is not found yet (users.insert: propagation delay).
      const u = readableUser(rt, key(req));
      return Promise.resolve(u === undefined ? E.left(googleError('notFound')) : E.right(ok(renderUser(rt.state, u))));
    }),
  );
  // The query string is form-decoded (Fastify's parser, as Google's front end): a raw `+` in
  // `query=email:j+smith@…` is a space, so clients must send `%2B` (URLSearchParams does).
  app.get(
    USERS_PATH,
    api('read', (_c, req) => {
      const page = listUsers(rt.state, req.query as ListParams);
      return Promise.resolve(
        E.map((p: { users: ReadonlyArray<Parameters<typeof renderUser>[1]>; nextPageToken?: string }) =>
          ok({
            kind: 'admin#directory#users',
            etag: `"${rt.state.users.size}-${rt.clock.now()}"`,
            ...(p.users.length > 0 ? { users: p.users.map((u) => renderUser(rt.state, u)) } : {}),
            ...(p.nextPageToken === undefined ? {} : { nextPageToken: p.nextPageToken }),
          }),
        )(page),
      );
    }),
  );
  app.delete(
    `${USERS_PATH}/:userKey`,
    api('write', (c, req) => Promise.resolve(E.map(() => ok(undefined, 204))(deleteUser(rt, key(req), c.admin.primaryEmail)))),
  );
  app.post(
    `${USERS_PATH}/:userKey/signOut`,
    api('security', (c, req) => Promise.resolve(E.map(() => ok(undefined, 204))(signOutUser(rt, key(req), c.admin.primaryEmail)))),
  );

  app.get(
    `${REPORTS_PATH}/:userKey/applications/:applicationName`,
    api('reports', (_c, req) => {
      const { userKey, applicationName } = req.params as { userKey: string; applicationName: string };
      return Promise.resolve(
        E.map((body: unknown) => ok(body))(
          listActivities(rt.state, userKey, applicationName, req.query as ActivityParams, rt.clock.now(), rt.reportsLagMs),
        ),
      );
    }),
  );

  app.setNotFoundHandler((_req, reply) => send(reply, renderGoogleError(googleError('notFound', 'Not Found'))));
  app.setErrorHandler((err: { statusCode?: number }, _req, reply) =>
    send(reply, renderGoogleError((err.statusCode ?? 500) < 500 ? googleError('badRequest') : googleError('backendError'))),
  );
};
