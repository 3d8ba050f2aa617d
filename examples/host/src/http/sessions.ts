// Who is calling, resolved once per audience. Every route belongs to one audience: it is registered
// inside `withAudience(…)`, which tags the route (`config.audience`) and runs that audience's one
// resolver before anything else (no body is read for a caller without a valid session):
//   admin-api    bearer token (`POST /api/session`, ADMIN_API_KEY)        → 401 + WWW-Authenticate: Bearer
//   admin-page   the console's cookie `takeover_admin`                    → 303 to /admin/login
//   portal-api   the portal's cookie `takeover_portal`                    → 401
//   portal-page  the portal's cookie `takeover_portal`                    → 303 to /portal/login
//   demo         the admin: a bearer token or the console's cookie        → 401
//   public       nobody in particular (a login, an activation link, the probes)
// Handlers read the resolved principal with `adminOf(request)` / `userOf(request)`.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import type { AdminPrincipal, HostApp, PortalPrincipal } from '../app/hostApp.js';
import { adminSessionOf, portalSessionOf } from './cookies.js';
import { redirectWithFlash } from './pages/support.js';
import { ProblemError } from './problem.js';

/** Who may call a route. */
export type Audience = 'public' | 'admin-api' | 'admin-page' | 'portal-api' | 'portal-page' | 'demo';

export const AUDIENCES: ReadonlyArray<Audience> = ['public', 'admin-api', 'admin-page', 'portal-api', 'portal-page', 'demo'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: set by the `withAudience` scope it is registered in, or by the route itself (a login is `public`). */
    readonly audience?: Audience;
  }
}

// ── Lookups: the principal behind a credential, or undefined; they answer nothing ─────────────

/** The token of an `Authorization: Bearer …` header (the admin API's credential). */
export const bearerTokenOf = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
};

/** The admin behind the bearer token, if any. */
export const apiAdmin = async (request: FastifyRequest, app: HostApp): Promise<AdminPrincipal | undefined> => {
  const token = bearerTokenOf(request);
  return token === undefined ? undefined : app.admin.authenticate(token);
};

/** The admin behind the console's session cookie, if any. */
export const consoleAdmin = async (request: FastifyRequest, app: HostApp): Promise<AdminPrincipal | undefined> => {
  const token = adminSessionOf(request);
  return token === undefined ? undefined : app.admin.authenticate(token);
};

/** The portal user behind the portal's session cookie, if any. */
export const portalUser = async (request: FastifyRequest, app: HostApp): Promise<PortalPrincipal | undefined> => {
  const token = portalSessionOf(request);
  return token === undefined ? undefined : app.portal.session(token);
};

// ── The resolved principal of a request ─────────────────────────────────────────────────────

const admins = new WeakMap<FastifyRequest, AdminPrincipal>();
const users = new WeakMap<FastifyRequest, PortalPrincipal>();

/** The admin resolved for this request (routes of admin-api, admin-page and demo). */
export const adminOf = (request: FastifyRequest): AdminPrincipal => {
  const principal = admins.get(request);
  if (principal === undefined) throw new ProblemError({ kind: 'unauthorized' });
  return principal;
};

/** The portal user resolved for this request (routes of portal-api and portal-page). */
export const userOf = (request: FastifyRequest): PortalPrincipal => {
  const principal = users.get(request);
  if (principal === undefined) throw new ProblemError({ kind: 'unauthorized' });
  return principal;
};

// ── One resolver per audience ───────────────────────────────────────────────────────────────

/** Resolves the session of `audience` for the request; true when resolved, false when the reply was answered (a redirect). Throws the 401. */
type Resolver = (request: FastifyRequest, reply: FastifyReply, app: HostApp) => Promise<boolean>;

const unauthorized = (): never => {
  throw new ProblemError({ kind: 'unauthorized' });
};

const asAdmin = async (request: FastifyRequest, found: Promise<AdminPrincipal | undefined>): Promise<boolean> => {
  const principal = await found;
  if (principal === undefined) return unauthorized();
  admins.set(request, principal);
  return true;
};

const RESOLVERS: Readonly<Record<Exclude<Audience, 'public'>, Resolver>> = {
  'admin-api': async (request, _reply, app) => asAdmin(request, apiAdmin(request, app)),
  demo: async (request, _reply, app) =>
    asAdmin(request, bearerTokenOf(request) === undefined ? consoleAdmin(request, app) : apiAdmin(request, app)),
  'admin-page': async (request, reply, app) => {
    const principal = await consoleAdmin(request, app);
    if (principal === undefined) {
      const ended = adminSessionOf(request) === undefined ? undefined : 'Your console session ended. Log in again.';
      void redirectWithFlash(reply, app, '/admin/login', ended);
      return false;
    }
    admins.set(request, principal);
    return true;
  },
  'portal-api': async (request, _reply, app) => {
    const principal = await portalUser(request, app);
    if (principal === undefined) return unauthorized();
    users.set(request, principal);
    return true;
  },
  'portal-page': async (request, reply, app) => {
    const principal = await portalUser(request, app);
    if (principal === undefined) {
      void redirectWithFlash(
        reply,
        app,
        '/portal/login',
        portalSessionOf(request) === undefined ? undefined : 'Your session ended. Log in again.',
      );
      return false;
    }
    users.set(request, principal);
    return true;
  },
};

/** The onRequest hook of a scope: the route's audience (or `unmatched` for a path no route matches) resolved by its resolver. */
const resolveHook =
  (app: HostApp, unmatched: Audience): onRequestHookHandler =>
  async (request, reply) => {
    const audience = request.routeOptions.config.audience ?? unmatched;
    if (audience === 'public') return;
    if (!(await RESOLVERS[audience](request, reply, app))) return reply;
  };

export interface AudienceScope {
  /** A URL prefix for the scope's routes (`/api`). */
  readonly prefix?: string;
  /** Whether a path no route of the scope matches is refused like the audience's routes (the admin API: 401 before 404). Default: it is public. */
  readonly guardUnmatched?: boolean;
}

/**
 * Registers `routes` in a scope whose routes belong to `audience` (a route may say otherwise with
 * `config: { audience: 'public' }`, e.g. its login), each resolved by that audience's resolver before
 * anything else runs.
 */
export const withAudience = async (
  server: FastifyInstance,
  app: HostApp,
  audience: Audience,
  routes: (scope: FastifyInstance) => void | Promise<void>,
  options: AudienceScope = {},
): Promise<void> => {
  await server.register(
    async (scope) => {
      scope.addHook('onRoute', (route) => {
        const config = (route.config ?? {}) as { readonly audience?: Audience };
        (route as { config?: unknown }).config = { ...config, audience: config.audience ?? audience };
      });
      scope.addHook('onRequest', resolveHook(app, options.guardUnmatched === true ? audience : 'public'));
      await routes(scope);
    },
    options.prefix === undefined ? {} : { prefix: options.prefix },
  );
};

// ── Every route has an audience ─────────────────────────────────────────────────────────────

const registries = new WeakMap<FastifyInstance, RouteOptions[]>();

/** Records the server's routes; `ready()` fails for a route registered outside any audience. Call on the root before any route. */
export const requireAudiences = (server: FastifyInstance): void => {
  const routes: RouteOptions[] = [];
  registries.set(server, routes);
  server.addHook('onRoute', (route) => {
    routes.push(route);
  });
  server.addHook('onReady', (done) => {
    const missing = [...routeAudiences(server)].filter(([, a]) => a === undefined).map(([r]) => r);
    done(
      missing.length === 0 ? undefined : new Error(`routes without an audience (register them with withAudience): ${missing.join(', ')}`),
    );
  });
};

/** Each route (`METHOD /path`, HEAD left out) with its audience, as registered. */
export const routeAudiences = (server: FastifyInstance): ReadonlyMap<string, Audience | undefined> => {
  const out = new Map<string, Audience | undefined>();
  for (const route of registries.get(server) ?? []) {
    const audience = (route.config as { readonly audience?: Audience } | undefined)?.audience;
    for (const method of [route.method].flat()) if (method !== 'HEAD') out.set(`${method} ${route.url}`, audience);
  }
  return out;
};
