// What every page route shares: sending a page, the flash message carried across a redirect,
// reading a urlencoded form (who is logged in: src/http/sessions.ts).
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { HostApp, Problem } from '../../app/hostApp.js';
import { reasonOf } from '../problem.js';
import type { VNode } from './html.js';
import { renderDocument } from './html.js';

export const FLASH_COOKIE = 'takeover_flash';

const secure = (app: HostApp): boolean => app.settings.publicUrl.toLowerCase().startsWith('https:');

/** Sends a whole HTML page. Pages are never cached (they show sessions and CSRF tokens). */
export const sendPage = (reply: FastifyReply, page: VNode, status = 200): FastifyReply =>
  reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderDocument(page));

/** 303 to `location`, with a message the next page shows once. */
export const redirectWithFlash = (reply: FastifyReply, app: HostApp, location: string, message?: string): FastifyReply => {
  if (message !== undefined) {
    void reply.setCookie(FLASH_COOKIE, message.slice(0, 300), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: secure(app),
      signed: true,
    });
  }
  return reply.redirect(location, 303);
};

/** The flash message set by the previous request (validly signed), cleared as it is read. */
export const takeFlash = (request: FastifyRequest, reply: FastifyReply, app: HostApp): string | undefined => {
  const raw = request.cookies[FLASH_COOKIE];
  if (raw === undefined || raw === '') return undefined;
  void reply.clearCookie(FLASH_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: secure(app) });
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value !== null && unsigned.value !== '' ? unsigned.value : undefined;
};

/** A parsed urlencoded body: each field a string, or several for repeated names (checkboxes). */
export type Form = Readonly<Record<string, string | ReadonlyArray<string>>>;

export const formOf = (body: unknown): Form => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const out: Record<string, string | ReadonlyArray<string>> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
};

/** One field as text ('' when absent; the first when repeated). */
export const field = (form: Form, name: string): string => {
  const v = form[name];
  return typeof v === 'string' ? v : (v?.[0] ?? '');
};

/** Every value of a repeated field (checkboxes). */
export const fields = (form: Form, name: string): ReadonlyArray<string> => {
  const v = form[name];
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
};

/** One query-string parameter as text ('' when absent). */
export const queryParam = (request: FastifyRequest, name: string): string => {
  const q = request.query as Record<string, unknown> | undefined;
  const v = q?.[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
};

/** The route parameter `name` (Fastify decodes it). */
export const param = (request: FastifyRequest, name: string): string => {
  const p = request.params as Record<string, unknown> | undefined;
  const v = p?.[name];
  return typeof v === 'string' ? v : '';
};

export { retryAfter } from '../problem.js';

/** The field a problem names, as the form's input name (`changes.givenName` → `givenName`). */
export const fieldOf = (problem: Problem): string | undefined => (problem.kind === 'invalid' ? problem.field.split('.').pop() : undefined);

/** The CSRF check (@fastify/csrf-protection, registered by buildServer) as a route's preHandler. */
export const csrfCheck = (server: FastifyInstance): preHandlerHookHandler => server.csrfProtection.bind(server);

/** A problem's reason as the end of a sentence (the core's reasons are sentences already; others get a full stop). */
export const said = (problem: Problem): string => {
  const reason = reasonOf(problem).trim();
  return /[.!?]$/.test(reason) ? reason : `${reason}.`;
};
