// The two session cookies: the portal's (`takeover_portal`) and the admin console's (`takeover_admin`).
// Separate names and separate token spaces: an admin token is never a portal session, nor the reverse.
// Both HttpOnly, SameSite=Lax, Path=/, signed with `app.settings.cookieSecret` (@fastify/cookie),
// and Secure when the public URL is https.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HostApp } from '../app/hostApp.js';

export const PORTAL_COOKIE = 'takeover_portal';
export const ADMIN_COOKIE = 'takeover_admin';

type CookieSettings = Pick<HostApp, 'settings'>;

const secureFor = (app: CookieSettings): boolean => app.settings.publicUrl.toLowerCase().startsWith('https:');

const options = (app: CookieSettings, expiresAt?: string) => {
  const expires = expiresAt === undefined ? undefined : new Date(expiresAt);
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: secureFor(app),
    signed: true,
    ...(expires !== undefined && !Number.isNaN(expires.getTime()) ? { expires } : {}),
  };
};

const read = (request: FastifyRequest, name: string): string | undefined => {
  const raw = request.cookies[name];
  if (raw === undefined || raw === '') return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value !== '' ? unsigned.value : undefined;
};

const clear = (reply: FastifyReply, app: CookieSettings, name: string): FastifyReply =>
  reply.clearCookie(name, { httpOnly: true, sameSite: 'lax', path: '/', secure: secureFor(app) });

/** Sets the portal session cookie (a browser-session cookie unless `expiresAt`, an ISO time, is given). */
export const setPortalSession = (reply: FastifyReply, app: CookieSettings, token: string, expiresAt?: string): FastifyReply =>
  reply.setCookie(PORTAL_COOKIE, token, options(app, expiresAt));

/** The portal session token from a validly signed cookie; undefined otherwise (check it with `app.portal.session`). */
export const portalSessionOf = (request: FastifyRequest): string | undefined => read(request, PORTAL_COOKIE);

export const clearPortalSession = (reply: FastifyReply, app: CookieSettings): FastifyReply => clear(reply, app, PORTAL_COOKIE);

/** Sets the admin console's session cookie (pass the login's `expiresAt` to make it expire with the token). */
export const setAdminSession = (reply: FastifyReply, app: CookieSettings, token: string, expiresAt?: string): FastifyReply =>
  reply.setCookie(ADMIN_COOKIE, token, options(app, expiresAt));

/** The admin session token from a validly signed cookie; undefined otherwise (check it with `app.admin.authenticate`). */
export const adminSessionOf = (request: FastifyRequest): string | undefined => read(request, ADMIN_COOKIE);

export const clearAdminSession = (reply: FastifyReply, app: CookieSettings): FastifyReply => clear(reply, app, ADMIN_COOKIE);

/**
 * The device cookies (issue 17 #6): a long-lived token a successful login hands out, proving "this
 * browser logged in to this account before" (an HMAC the service checks). Not a session: it only
 * lets its holder's correct password pass an account lockout caused by others' guesses.
 */
export const PORTAL_DEVICE_COOKIE = 'takeover_device';
export const ADMIN_DEVICE_COOKIE = 'takeover_admin_device';
const DEVICE_MAX_AGE_SECONDS = 365 * 24 * 3600;

export const deviceOf = (request: FastifyRequest, kind: 'portal' | 'admin'): string | undefined =>
  read(request, kind === 'portal' ? PORTAL_DEVICE_COOKIE : ADMIN_DEVICE_COOKIE);

export const setDevice = (reply: FastifyReply, app: CookieSettings, kind: 'portal' | 'admin', token: string): FastifyReply =>
  reply.setCookie(kind === 'portal' ? PORTAL_DEVICE_COOKIE : ADMIN_DEVICE_COOKIE, token, {
    ...options(app),
    maxAge: DEVICE_MAX_AGE_SECONDS,
  });
