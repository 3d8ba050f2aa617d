// Shared by the attack suite: users made through the admin API, activation links from the outbox,
// portal logins with their cookies, and waiting on conditions (never on time).
import { Secret } from '@takeover/core';
import { call, cookieFrom, type CallResult, type TestHost } from '../support/testHost.js';

export const admin = (host: TestHost, method: string, path: string, body?: unknown): Promise<CallResult> =>
  call(host, method, path, { token: host.adminToken, ...(body === undefined ? {} : { body }) });

let counter = 0;
/** A fresh address nobody else in the run uses. */
export const freshEmail = (tag: string): string => {
  counter += 1;
  return `${tag}-${String(counter)}-${String(process.pid)}-${Date.now().toString(36)}@example.com`;
};

export const createUser = async (host: TestHost, body: Record<string, unknown>): Promise<string> => {
  const res = await admin(host, 'POST', '/api/users', { givenName: 'Test', familyName: 'Person', state: 'active', ...body });
  if (res.status !== 201) throw new Error(`creating a user: ${String(res.status)} ${res.text}`);
  return (res.json as { id: string }).id;
};

/** Polls `check` until it returns a value; the bound only guards against a hang. */
export const eventually = async <T>(what: string, check: () => Promise<T | undefined>, boundMs = 120_000): Promise<T> => {
  const until = Date.now() + boundMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** The activation token from the user's mail in the outbox. */
export const activationToken = (host: TestHost, email: string): Promise<string> =>
  eventually(`the activation mail to ${email}`, async () => {
    const mail = ((await host.app.demo?.mail()) ?? []).find((m) => m.to === email && m.text.includes('/portal/activate?token='));
    const token = mail === undefined ? undefined : /[?&]token=([^\s&"<]+)/.exec(mail.text)?.[1];
    return token === undefined ? undefined : decodeURIComponent(token);
  });

/** `session` and `device` are the cookies to send back (`name=value`), empty when none was set. */
export interface Login {
  readonly status: number;
  readonly session: string;
  readonly device: string;
}

export const portalLogin = async (
  host: TestHost,
  email: string,
  password: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<Login> => {
  const res = await call(host, 'POST', '/portal/api/login', { body: { email, password }, headers });
  const session = cookieFrom(res, 'takeover_portal');
  const device = cookieFrom(res, 'takeover_device');
  return { status: res.status, session: session ?? '', device: device ?? '' };
};

/** Whether each emulated directory takes `password` for `email` right now. */
export const directoriesTake = async (host: TestHost, email: string, password: string): Promise<ReadonlyArray<boolean>> => {
  const demo = host.app.demo;
  if (demo === undefined) throw new Error('no demo directories');
  return Promise.all(
    ['google', 'microsoft'].map(async (d) => {
      const r = await demo.verify(d, email, Secret.of(password));
      return r._tag === 'Right' && r.right.matches;
    }),
  );
};

/** Until every binding of the user is in sync (nothing owed, nothing in flight). */
export const inSync = (host: TestHost, userId: string): Promise<true> =>
  eventually(`user ${userId} in sync everywhere`, async () => {
    const res = await admin(host, 'GET', `/api/users/${userId}`);
    const bindings = (res.json as { bindings: ReadonlyArray<{ state: string }> }).bindings;
    return bindings.length > 0 && bindings.every((b) => b.state === 'in-sync') ? true : undefined;
  });
