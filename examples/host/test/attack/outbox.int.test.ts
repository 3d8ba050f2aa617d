// Attack: the mail outbox (issue 17 #7). It shows activation links, so it is served only in demo
// mode (mail captured, every directory emulated), only to the admin, and the host warns at start.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { createUser, freshEmail, portalLogin } from '../support/users.js';

describe('demo mode (both directories emulated, no SMTP_URL)', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  }, 120_000);
  afterAll(async () => {
    await host.close();
  });

  test('/demo/mail: 401 without a credential, with a wrong one and with a portal session; 200 for the admin', async () => {
    const email = freshEmail('outbox');
    const password = 'Outbox-Horse-Battery-1!';
    await createUser(host, { email, password });
    const portal = await portalLogin(host, email, password);
    expect((await call(host, 'GET', '/demo/mail')).status).toBe(401);
    expect((await call(host, 'GET', '/demo/mail', { token: 'not-the-admin-token-xxxxxxxxxxxxxxxxxxxx' })).status).toBe(401);
    expect((await call(host, 'GET', '/demo/mail', { cookie: portal.session })).status).toBe(401);
    expect((await call(host, 'GET', '/demo/mail', { token: host.adminToken })).status).toBe(200);
  });

  test('/mail and /mail/:id send anyone but the admin console to its login', async () => {
    for (const path of ['/mail', '/mail/some-id']) {
      const res = await call(host, 'GET', path, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toContain('/admin/login');
    }
  });

  test('the host warns at start that it serves the outbox', () => {
    expect(host.logs()).toMatch(/"level":40[^\n]*demo mode: mail is captured in the outbox/);
  });
});

test('with a real directory configured, /mail and /demo/mail do not exist, even for the admin', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'takeover-outbox-'));
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const keyFile = join(dir, 'sa.json');
  await writeFile(
    keyFile,
    JSON.stringify({ type: 'service_account', client_email: 'sync@acme-prod.iam.gserviceaccount.com', private_key: privateKey }),
  );
  const host = await startTestHost({
    env: {
      DATA_DIR: join(dir, 'data'),
      GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile,
      GOOGLE_ADMIN_SUBJECT: 'it@acme.example',
      GOOGLE_DOMAIN: 'acme.example',
    },
  });
  try {
    expect((await call(host, 'GET', '/demo/mail', { token: host.adminToken })).status).toBe(404);
    expect((await call(host, 'GET', '/mail', { headers: { accept: 'text/html' } })).status).toBe(404);
    expect(host.app.demo?.outbox).toBe(false);
    expect(host.logs()).toContain('mail is captured but not shown');
  } finally {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  }
});
