// R14 at the HTTP edge: passwords sent to every route that takes one — admin login, user creation,
// portal login, activation, password change, demo verify, and malformed or refused bodies — never
// appear, in any encoding (the shared leak scanner: plain, base64/base64url at any offset, hex,
// URL/form, JSON escapes), in the host's logs (captured at trace level), in any response, in
// /metrics, in a mail or in any file under DATA_DIR. Neither do bearer tokens, session cookies or the
// first-start admin password. The work it waits for must happen, or the test says what did not.
import { filesUnder } from '../support/files.js';
import { readFile } from 'node:fs/promises';
import { describeLeak, leakScanner } from '@takeover/connector-kit/testing';
import { reveal } from '@takeover/core';
import { call, cookieFrom, startTestHost, type CallResult, type TestHost } from '../support/testHost.js';
import { eventually } from '../support/eventually.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({ env: { LOG_LEVEL: 'trace' } });
}, 60_000);

afterAll(async () => {
  await host.close();
});

const marker = (name: string) => `Leak-${name}-${Math.random().toString(36).slice(2, 10)}-9!`;

test('R14: no password, token or session cookie in logs, responses, metrics or mails', async () => {
  const responses: CallResult[] = [];
  const record = async (p: Promise<CallResult>): Promise<CallResult> => {
    const r = await p;
    responses.push(r);
    return r;
  };
  const secrets = {
    adminWrong: marker('admin-wrong'),
    created: marker('created'),
    createdBad: marker('created-bad'),
    loginWrong: marker('login-wrong'),
    next: marker('next'),
    nextWrongCurrent: marker('wrong-current'),
    activation: marker('activation'),
    verify: marker('verify'),
    outside: marker('outside'),
    badJson: marker('bad-json'),
    form: marker('form'),
    huge: marker('huge'),
  };
  const first = host.app.firstStart;
  if (first === undefined) throw new Error('fresh DATA_DIR: first start expected');
  const adminPassword = reveal(first.adminPassword);
  const admin = { token: host.adminToken };

  await record(call(host, 'POST', '/api/session', { body: { email: first.adminEmail, password: secrets.adminWrong } }));
  const session = await record(call(host, 'POST', '/api/session', { body: { email: first.adminEmail, password: adminPassword } }));
  const sessionToken = (session.json as { token: string }).token;

  const email = 'grace@example.com';
  await record(
    call(host, 'POST', '/api/users', {
      ...admin,
      body: { email: 'bad-email', givenName: 'G', familyName: 'H', state: 'active', password: secrets.createdBad },
    }),
  );
  await record(
    call(host, 'POST', '/api/users', {
      ...admin,
      body: {
        email,
        givenName: 'Grace',
        familyName: 'Hopper',
        state: 'active',
        password: secrets.created,
        directories: ['google', 'microsoft'],
      },
    }),
  );
  await record(call(host, 'POST', '/portal/api/login', { body: { email, password: secrets.loginWrong } }));
  const login = await record(call(host, 'POST', '/portal/api/login', { body: { email, password: secrets.created } }));
  const cookie = cookieFrom(login, 'takeover_portal') ?? '';
  expect(cookie).not.toBe('');
  await record(call(host, 'POST', '/portal/api/password', { cookie, body: { current: secrets.nextWrongCurrent, next: secrets.next } }));
  await record(call(host, 'POST', '/portal/api/password', { cookie, body: { current: secrets.created, next: secrets.next } }));
  await record(call(host, 'POST', '/portal/api/login', { body: { email, password: secrets.next } }));
  await record(call(host, 'POST', '/demo/directories/google/verify', { body: { userKey: email, password: secrets.verify } }));
  // Changed in the directory outside the portal (R16), then set back at the next login.
  await record(
    call(host, 'POST', '/demo/directories/microsoft/users/alan%40example.com/password', { body: { password: secrets.outside } }),
  );

  // A staged user's activation.
  const staged = 'alan@example.com';
  await record(
    call(host, 'POST', '/api/users', {
      ...admin,
      body: { email: staged, givenName: 'Alan', familyName: 'Turing', state: 'active', directories: ['google'] },
    }),
  );
  const link = await eventually(`the activation mail to ${staged}`, async () => {
    const mail = await call(host, 'GET', '/demo/mail', { token: host.adminToken });
    const found = (mail.json as { messages: Array<{ to: string; text: string }> }).messages.find((m) => m.to.includes(staged));
    return found === undefined ? undefined : /[?&]token=([^\s&"<]+)/.exec(found.text)?.[1];
  });
  await record(call(host, 'POST', '/portal/api/activate', { body: { token: decodeURIComponent(link), password: secrets.activation } }));
  await record(call(host, 'POST', '/portal/api/login', { body: { email: staged, password: secrets.activation } }));

  // Refused bodies that still carry a password.
  await record(
    call(host, 'POST', '/portal/api/login', {
      rawBody: `{"email":"${email}","password":"${secrets.badJson}"`,
      headers: { 'content-type': 'application/json' },
    }),
  );
  await record(
    call(host, 'POST', '/portal/api/login', {
      rawBody: `email=${email}&password=${secrets.form}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
  );
  await record(
    call(host, 'POST', '/portal/api/login', {
      rawBody: JSON.stringify({ email, password: secrets.huge, pad: 'x'.repeat(100_000) }),
      headers: { 'content-type': 'application/json' },
    }),
  );

  // The pushes behind the logins must have finished (they log) before anything is read back.
  for (const [userKey, password, directory] of [
    [staged, secrets.activation, 'google'],
    [email, secrets.next, 'google'],
    [email, secrets.next, 'microsoft'],
  ] as const) {
    await eventually(`the push of ${userKey}'s password to ${directory}`, async () => {
      const v = await call(host, 'POST', `/demo/directories/${directory}/verify`, { body: { userKey, password } });
      return (v.json as { matches?: boolean }).matches === true ? true : undefined;
    });
  }
  responses.push(await call(host, 'GET', '/metrics'));
  responses.push(await call(host, 'GET', '/demo/mail', { token: host.adminToken }));
  responses.push(await call(host, 'GET', '/portal/api/notifications', { cookie }));
  const user = await call(host, 'GET', '/api/users?q=grace', admin);
  const graceId = (user.json as { users: Array<{ id: string }> }).users[0]?.id ?? '';
  responses.push(
    user,
    await call(host, 'GET', `/api/users/${graceId}`, admin),
    await call(host, 'GET', `/api/users/${graceId}/audit`, admin),
  );

  const logs = host.logs();
  expect(logs).toContain('"reqId"'); // the capture works and request logs are in it
  expect(logs).toContain('"level":20'); // verbose: LOG_LEVEL=trace lets every debug line through
  const headerLines = (h: Headers): string => {
    const lines: string[] = [];
    h.forEach((v, k) => {
      if (k !== 'set-cookie') lines.push(`${k}: ${v}`);
    });
    return lines.join('\n');
  };
  const everything = responses.map((r) => `${headerLines(r.headers)}\n${r.text}`).join('\n');
  const files = await filesUnder(host.dataDir);
  expect(files.some((f) => f.endsWith('events.db'))).toBe(true); // the scan sees the stores
  const named = Object.entries({ ...secrets, adminPassword });
  const scanner = leakScanner(named.map(([, secret]) => secret));
  const places: Array<[string, string]> = [
    ['logs', logs],
    ['responses', everything],
    ...(await Promise.all(files.map(async (f): Promise<[string, string]> => [f, (await readFile(f)).toString('latin1')]))),
  ];
  const found = places.flatMap(([where, text]) =>
    scanner.findAll(text).map((hit) => `${named[hit.secret]?.[0] ?? '?'} in ${where} as ${describeLeak(hit)}`),
  );
  // The same scan finds what is there: the email (stored, logged, answered) is found in the files and responses.
  const control = leakScanner([email]);
  expect(places.filter(([, text]) => control.find(text) !== undefined).length).toBeGreaterThan(2);
  expect(found).toEqual([]);
  const signed = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const portalToken = signed.slice(0, signed.lastIndexOf('.'));
  for (const [name, secret] of Object.entries({ apiKey: host.adminToken, sessionToken, portalToken })) {
    expect({ name, inLogs: logs.includes(secret) }).toEqual({ name, inLogs: false });
  }
}, 90_000);
