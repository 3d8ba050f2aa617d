// takeover-doctor against the emulators, configured right and wrong in each way an operator gets it
// wrong. It runs as the operator runs it: the built CLI in its own process, reading the environment.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  DIRECTORY_USER_SCOPE,
  DIRECTORY_USER_SECURITY_SCOPE,
  startEntraEmulator,
  startGoogleEmulator,
} from '@takeover/directory-emulators';
import type { EntraEmulator, GoogleEmulator } from '@takeover/directory-emulators';
import { tempDir } from './harness.js';

const run = promisify(execFile);
const CLI = resolve(__dirname, '..', '..', 'dist', 'doctor', 'cli.js');

let google: GoogleEmulator;
let entra: EntraEmulator;
let dir: string;
let keyFile: string;

beforeAll(async () => {
  // Both start at once; when one fails, the one that started is closed before the failure is thrown.
  const [g, e] = await Promise.allSettled([startGoogleEmulator({ scryptN: 1024 }), startEntraEmulator({ scryptN: 1024 })]);
  if (g.status === 'rejected') {
    if (e.status === 'fulfilled') await e.value.close();
    throw g.reason;
  }
  if (e.status === 'rejected') {
    await g.value.close();
    throw e.reason;
  }
  [google, entra] = [g.value, e.value];
  dir = await tempDir('doctor-');
  keyFile = join(dir, 'sa.json');
  await writeFile(keyFile, JSON.stringify(google.credentials));
});
afterAll(async () => {
  await Promise.all([google.close(), entra.close()]);
  await rm(dir, { recursive: true, force: true });
});

const env = (over: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'] ?? '',
  NODE_EXTRA_CA_CERTS: entra.caCertPath,
  DATA_DIR: join(dir, 'data'),
  GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile,
  GOOGLE_ADMIN_SUBJECT: google.adminEmail,
  GOOGLE_DOMAIN: google.domains[0] ?? 'example.com',
  GOOGLE_API_URL: google.url.replace(/\/$/, ''),
  GOOGLE_TOKEN_URL: google.tokenUrl,
  MICROSOFT_TENANT_ID: entra.app.tenantId,
  MICROSOFT_CLIENT_ID: entra.app.clientId,
  MICROSOFT_CLIENT_SECRET: entra.app.clientSecret,
  MICROSOFT_DOMAIN: entra.tenants[0]?.domains[0] ?? 'example.com',
  MICROSOFT_AUTHORITY_HOST: entra.authorityHost,
  MICROSOFT_GRAPH_URL: entra.graphBaseUrl.replace(/\/$/, ''),
  ...over,
});

const doctor = async (e: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> => {
  try {
    const { stdout } = await run(process.execPath, [CLI], { env: e });
    return { code: 0, out: stdout };
  } catch (thrown) {
    const r = thrown as { code?: number; stdout?: string; stderr?: string };
    return { code: r.code ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  }
};

test('configured right: every check ok, exit 0, and nothing changed in either directory', async () => {
  const before = { google: google.audit().length, entra: entra.audit().length };
  const r = await doctor(env());
  expect(r.out).toContain('Nothing missing.');
  expect(r.code).toBe(0);
  expect(r.out).not.toContain('MISSING');
  expect({ google: google.audit().length, entra: entra.audit().length }).toEqual(before);
});

test('a wrong Microsoft client secret: the credentials are MISSING, with what to do, exit 1', async () => {
  const r = await doctor(env({ MICROSOFT_CLIENT_SECRET: 'not-the-secret' }));
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/Microsoft 365[^\n]*\n(?:.*\n)*?\s+MISSING\s+credentials/);
  expect(r.out).toContain('fix:');
  expect(r.out).not.toContain('not-the-secret');
});

test('a Google key the service account does not have: the credentials are MISSING, exit 1', async () => {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const wrongKey = join(dir, 'wrong.json');
  await writeFile(wrongKey, JSON.stringify({ ...google.credentials, private_key: privateKey }));
  const r = await doctor(env({ GOOGLE_SERVICE_ACCOUNT_KEY_FILE: wrongKey }));
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/Google Workspace[^\n]*\n(?:.*\n)*?\s+MISSING\s+credentials/);
  expect(r.out).not.toContain('PRIVATE KEY');
});

test('a configuration error is exit 2 and names the variable', async () => {
  const r = await doctor(env({ MICROSOFT_GRAPH_URL: 'http://graph.example' }));
  expect(r.code).toBe(2);
  expect(r.out).toContain('MICROSOFT_GRAPH_URL');
});

test('the Entra app without a directory role: the role is MISSING, and the fix names it', async () => {
  entra.setAppRoles(entra.app.clientId, []);
  try {
    const r = await doctor(env());
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/MISSING\s+role:/);
    expect(r.out).toMatch(/fix: .*User Administrator/);
  } finally {
    entra.setAppRoles(entra.app.clientId, ['User Administrator']);
  }
});

test('the sign-out scope not delegated to the Google service account: that scope is MISSING, with where to add it', async () => {
  google.setDelegatedScopes(google.credentials.client_email, [DIRECTORY_USER_SCOPE]);
  try {
    const r = await doctor(env());
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/MISSING\s+permission: https:\/\/www\.googleapis\.com\/auth\/admin\.directory\.user\.security/);
    expect(r.out).toMatch(/fix: .*Domain-wide delegation/i);
  } finally {
    google.setDelegatedScopes(google.credentials.client_email, [
      DIRECTORY_USER_SCOPE,
      DIRECTORY_USER_SECURITY_SCOPE,
      'https://www.googleapis.com/auth/admin.reports.audit.readonly',
    ]);
  }
});

test('a domain the tenants do not have: the domain is MISSING for both directories', async () => {
  const r = await doctor(env({ GOOGLE_DOMAIN: 'not-ours.example', MICROSOFT_DOMAIN: 'not-ours.example' }));
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/Google Workspace \(not-ours\.example\)[^\n]*\n(?:.*\n)*?\s+MISSING\s+domain:/);
  expect(r.out).toMatch(/Microsoft 365 \(not-ours\.example\)[^\n]*\n(?:.*\n)*?\s+MISSING\s+domain:/);
});
