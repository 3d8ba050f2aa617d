// The admin JSON API under /api: a bearer token from `POST /api/session` (the admin account's
// email and password) or the ADMIN_API_KEY; every other caller gets 401 with `WWW-Authenticate: Bearer`
// (audience `admin-api`, src/http/sessions.ts), even on a path no route matches.
import type { FastifyInstance } from 'fastify';
import type { HostApp } from '../../app/hostApp.js';
import { adminApiSurface, registerLogin } from '../login.js';
import { withAudience } from '../sessions.js';
import { registerBulkApi } from './admin/bulk.js';
import { registerDirectoriesApi } from './admin/directories.js';
import { registerImportExportApi } from './admin/importExport.js';
import { registerUsersApi } from './admin/users.js';
import { jsonOnly, sendRouteNotFound } from './common.js';

export const registerAdminApi = async (server: FastifyInstance, app: HostApp): Promise<void> =>
  withAudience(
    server,
    app,
    'admin-api',
    (api) => {
      // The audience's resolver first (no body is read for a caller without a valid token), then the JSON-only rule.
      api.addHook('onRequest', jsonOnly);
      api.addHook('onSend', async (_request, reply, payload) => {
        if (reply.statusCode === 401 && !reply.hasHeader('www-authenticate'))
          void reply.header('www-authenticate', 'Bearer realm="takeover"');
        return payload;
      });
      api.setNotFoundHandler(sendRouteNotFound);
      registerLogin(
        api,
        app,
        adminApiSurface(app),
        { login: '/session', logout: '/session' },
        { kind: 'json', body: (s) => ({ token: s.token, expiresAt: s.expiresAt }), logout: { method: 'DELETE', audience: 'admin-api' } },
      );
      registerUsersApi(api, app);
      registerImportExportApi(api, app);
      registerBulkApi(api, app);
      registerDirectoriesApi(api, app);
    },
    { prefix: '/api', guardUnmatched: true },
  );
