// R14 at the HTTP edge: passwords sent to every route that takes one — admin login, user creation,
// portal login, activation, password change, demo verify, and malformed or refused bodies — never
// appear in the host's logs (captured at debug level), in any response, in /metrics or in a mail.
// Neither do bearer tokens, session cookies or the first-start admin password.
import { reveal } from '@takeover/core';
import { call, cookieFrom, startTestHost, type CallResult, type TestHost } from '../support/testHost.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
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
  await record(call(host, 'POST', '/api/users', { ...admin, body: { email: 'bad-email', givenName: 'G', familyName: 'H', state: 'active', password: secrets.createdBad } }));
  await record(call(host, 'POST', '/api/users', { ...admin, body: { email, givenName: 'Grace', familyName: 'Hopper', state: 'active', password: secrets.created, directories: ['google', 'microsoft'] } }));
  await record(call(host, 'POST', '/portal/api/login', { body: { email, password: secrets.loginWrong } }));
  const login = await record(call(host, 'POST', '/portal/api/login', { body: { email, password: secrets.created } }));
  const cookie = cookieFrom(login, 'takeover_portal') ?? '';
  expect(cookie).not.toBe('');
  await record(call(host, 'POST', '/portal/api/password', { cookie, body: { current: secrets.nextWrongCurrent, next: secrets.next } }));
  await record(call(host, 'POST', '/portal/api/password', { cookie, body: { current: secrets.created, next: secrets.next } }));
  await record(call(host, 'POST', '/portal/api/login', { body: { email, password: secrets.next } }));
  await record(call(host, 'POST', '/demo/directories/google/verify', { body: { userKey: email, password: secrets.verify } }));

  // A staged user's activation.
  const staged = 'alan@example.com';
  await record(call(host, 'POST', '/api/users', { ...admin, body: { email: staged, givenName: 'Alan', familyName: 'Turing', state: 'active', directories: ['google'] } }));
  let link: string | undefined;
  for (let i = 0; i < 100 && link === undefined; i++) {
    const mail = await call(host, 'GET', '/demo/mail', { token: host.adminToken });
    const found = (mail.json as { messages: Array<{ to: string; text: string }> }).messages.find((m) => m.to.includes(staged));
    link = found === undefined ? undefined : /[?&]token=([^\s&"<]+)/.exec(found.text)?.[1];
    if (link === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  if (link === undefined) throw new Error('no activation mail');
  await record(call(host, 'POST', '/portal/api/activate', { body: { token: decodeURIComponent(link), password: secrets.activation } }));
  await record(call(host, 'POST', '/portal/api/login', { body: { email: staged, password: secrets.activation } }));

  // Refused bodies that still carry a password.
  await record(call(host, 'POST', '/portal/api/login', { rawBody: `{"email":"${email}","password":"${secrets.badJson}"`, headers: { 'content-type': 'application/json' } }));
  await record(call(host, 'POST', '/portal/api/login', { rawBody: `email=${email}&password=${secrets.form}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
  await record(call(host, 'POST', '/portal/api/login', { rawBody: JSON.stringify({ email, password: secrets.huge, pad: 'x'.repeat(100_000) }), headers: { 'content-type': 'application/json' } }));

  // Let the pushes behind the logins finish (they log), then read everything back.
  for (let i = 0; i < 100; i++) {
    const v = await call(host, 'POST', '/demo/directories/google/verify', { body: { userKey: staged, password: secrets.activation } });
    if ((v.json as { matches?: boolean }).matches === true) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  responses.push(await call(host, 'GET', '/metrics'));
  responses.push(await call(host, 'GET', '/demo/mail', { token: host.adminToken }));
  responses.push(await call(host, 'GET', '/portal/api/notifications', { cookie }));
  const user = await call(host, 'GET', '/api/users?q=grace', admin);
  const graceId = (user.json as { users: Array<{ id: string }> }).users[0]?.id ?? '';
  responses.push(user, await call(host, 'GET', `/api/users/${graceId}`, admin), await call(host, 'GET', `/api/users/${graceId}/audit`, admin));

  const logs = host.logs();
  expect(logs).toContain('"reqId"'); // the capture works and request logs are in it
  const headerLines = (h: Headers): string => {
    const lines: string[] = [];
    h.forEach((v, k) => {
      if (k !== 'set-cookie') lines.push(`${k}: ${v}`);
    });
    return lines.join('\n');
  };
  const everything = responses.map((r) => `${headerLines(r.headers)}\n${r.text}`).join('\n');
  for (const [name, secret] of Object.entries({ ...secrets, adminPassword })) {
    expect({ name, inLogs: logs.includes(secret) }).toEqual({ name, inLogs: false });
    expect({ name, inResponses: everything.includes(secret) }).toEqual({ name, inResponses: false });
  }
  const signed = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const portalToken = signed.slice(0, signed.lastIndexOf('.'));
  for (const [name, secret] of Object.entries({ apiKey: host.adminToken, sessionToken, portalToken })) {
    expect({ name, inLogs: logs.includes(secret) }).toEqual({ name, inLogs: false });
  }
}, 90_000);
