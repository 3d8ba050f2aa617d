// Issue 14 Words: "each mail names every directory it concerns and when its link expires". A user
// whose password is pending is bound to Google first (the activation mail), then to Microsoft: what
// the user is sent, and that a new activation link (resent by an admin) names both directories and
// when it expires.
import { call, startTestHost, type TestHost } from '../support/testHost.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(async () => {
  await host.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  call(host, method, path, { token: host.adminToken, ...(body === undefined ? {} : { body }) });
interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}
const mailsTo = async (email: string): Promise<Mail[]> =>
  ((await admin('GET', '/demo/mail')).json as { messages: Mail[] }).messages.filter((m) => m.to === email).reverse();
const eventually = async <T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const GOOGLE = 'Google Workspace (example.com)';
const MICROSOFT = 'Microsoft 365 (example.com)';

test('bound to a second directory after the activation mail: the new link names both directories and when it expires', async () => {
  const email = 'later-bound@example.org';
  const created = await admin('POST', '/api/users', {
    email,
    givenName: 'Later',
    familyName: 'Bound',
    state: 'active',
    directories: ['google'],
  });
  expect(created.status).toBe(201);
  const id = (created.json as { id: string }).id;
  const first = await eventually(async () => (await mailsTo(email))[0], 'the activation mail');
  expect(first.subject).toMatch(/^Activate your /);
  expect(first.text).toContain(GOOGLE);
  expect(first.text).not.toContain(MICROSOFT);
  expect(first.text).toContain('expires 7 days after this email was sent');

  expect((await admin('POST', `/api/users/${id}/bindings`, { directoryId: 'microsoft' })).status).toBe(200);
  // The binding is settled (the account in Microsoft linked or created) before anything is read.
  await eventually(async () => {
    const user = (await admin('GET', `/api/users/${id}`)).json as { bindings: Array<{ directoryId: string; link?: { status?: string } }> };
    return user.bindings.some((b) => b.directoryId === 'microsoft') ? true : undefined;
  }, 'the binding');

  // The password is still pending: one activation mail per user (R2), so nothing is mailed for Microsoft by itself
  // (seen: the first mail stays the only one, and after activation no binding mail follows: the binding was made
  // while pending). An admin's "send a new activation link" names both, with the expiry (it had none before).
  expect((await admin('POST', `/api/users/${id}/activation-mail`)).status).toBe(202);
  const resent = await eventually(async () => {
    const all = await mailsTo(email);
    return all.length >= 2 ? all[all.length - 1] : undefined;
  }, 'the new activation mail');
  expect(resent.subject).toMatch(/^Activate your /);
  expect(resent.text).toContain(`${GOOGLE} and ${MICROSOFT}`);
  expect(resent.text).toContain('expires 7 days after this email was sent');
});
