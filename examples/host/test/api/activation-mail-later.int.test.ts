// Issue 14 Words: "each mail names every directory it concerns and when its link expires". A user
// whose password is pending is bound to Google first (the activation mail), then to Microsoft: what
// the user is sent, and that a new activation link (resent by an admin) names both directories and
// when it expires.
import { startTestHost, type TestHost } from '../support/testHost.js';
import { adminApi } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser, mailsTo } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(async () => {
  await host.close();
});

const admin = adminApi(() => host);
/** Oldest first. */
const mailsInOrder = async (email: string) => (await mailsTo(host, email)).reverse();
const GOOGLE = 'Google Workspace (example.com)';
const MICROSOFT = 'Microsoft 365 (example.com)';

test('bound to a second directory after the activation mail: the new link names both directories and when it expires', async () => {
  const email = 'later-bound@example.org';
  const id = await createUser(host, {
    email,
    givenName: 'Later',
    familyName: 'Bound',
    directories: ['google'],
  });
  const first = await eventually('the activation mail', async () => (await mailsInOrder(email))[0]);
  expect(first.subject).toMatch(/^Activate your /);
  expect(first.text).toContain(GOOGLE);
  expect(first.text).not.toContain(MICROSOFT);
  expect(first.text).toContain('expires 7 days after this email was sent');

  expect((await admin('POST', `/api/users/${id}/bindings`, { directoryId: 'microsoft' })).status).toBe(200);
  // The binding is settled (the account in Microsoft linked or created) before anything is read.
  await eventually(
    'the binding',
    async () => ((await admin('GET', `/api/users/${id}`)).json as { bindings: Array<{ directoryId: string }> }).bindings,
    (bindings) => bindings.some((b) => b.directoryId === 'microsoft'),
  );

  // The password is still pending: one activation mail per user (R2), so nothing is mailed for Microsoft by itself
  // (seen: the first mail stays the only one, and after activation no binding mail follows: the binding was made
  // while pending). An admin's "send a new activation link" names both, with the expiry (it had none before).
  expect((await admin('POST', `/api/users/${id}/activation-mail`)).status).toBe(202);
  const resent = await eventually('the new activation mail', async () => {
    const all = await mailsInOrder(email);
    return all.length >= 2 ? all[all.length - 1] : undefined;
  });
  expect(resent.subject).toMatch(/^Activate your /);
  expect(resent.text).toContain(`${GOOGLE} and ${MICROSOFT}`);
  expect(resent.text).toContain('expires 7 days after this email was sent');
});
