import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { reveal } from '@takeover/core';
import type { ConfigError, HostConfig } from '../../src/index.js';
import { describeConfigErrors, loadConfig } from '../../src/index.js';

let dir: string;
let keyFile: string;
let certFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'host-config-'));
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  keyFile = join(dir, 'key.json');
  await writeFile(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      client_email: 'sync@proj.iam.gserviceaccount.com',
      private_key: privateKey,
      private_key_id: 'k1',
    }),
  );
  certFile = join(dir, 'app.pem');
  await writeFile(certFile, `${privateKey}\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const ok = (env: NodeJS.ProcessEnv): HostConfig => {
  const r = loadConfig(env);
  if (E.isLeft(r)) throw new Error(describeConfigErrors(r.left));
  return r.right;
};
const errors = (env: NodeJS.ProcessEnv): ReadonlyArray<ConfigError> => {
  const r = loadConfig(env);
  if (E.isRight(r)) throw new Error('expected configuration errors');
  return r.left;
};
const variables = (env: NodeJS.ProcessEnv) => errors(env).map((e) => e.variable);

test('defaults: port 3000, SQLite under ./data, both emulators, the outbox, a generated-password admin', () => {
  const c = ok({});
  expect(c).toMatchObject({
    port: 3000,
    host: '127.0.0.1',
    publicUrl: 'http://localhost:3000',
    store: { kind: 'sqlite' },
    database: { kind: 'sqlite' },
    mail: { kind: 'outbox' },
    google: { mode: 'emulator' },
    microsoft: { mode: 'emulator' },
    adminEmail: 'admin@example.com',
    platformName: 'Takeover Demo',
    logLevel: 'info',
    shutdownDeadlineMs: 30000,
  });
  expect(c.store).toEqual({ kind: 'sqlite', path: expect.stringMatching(/data\/events\.db$/) as unknown });
  expect(c.adminApiKey).toBeUndefined();
  expect(ok({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  expect(ok({ PUBLIC_URL: 'https://portal.example.org/' }).publicUrl).toBe('https://portal.example.org');
});

test('PostgreSQL and EventStoreDB by URL; the host tables follow DATABASE_URL', () => {
  expect(ok({ DATABASE_URL: 'postgres://u:p@db:5432/takeover', DATABASE_SCHEMA: 'demo' })).toMatchObject({
    store: { kind: 'postgres', url: 'postgres://u:p@db:5432/takeover', schema: 'demo' },
    database: { kind: 'postgres', schema: 'demo' },
  });
  expect(ok({ EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' })).toMatchObject({
    store: { kind: 'eventstoredb' },
    database: { kind: 'sqlite' },
  });
  expect(ok({ SMTP_URL: 'smtps://u:p@mail.example.com:465', MAIL_FROM: 'no-reply@example.com' })).toMatchObject({
    mail: { kind: 'smtp' },
    mailFrom: 'no-reply@example.com',
  });
});

test.each([
  [{ PORT: 'eighty' }, 'PORT'],
  [{ PORT: '70000' }, 'PORT'],
  [{ PUBLIC_URL: 'portal.example.com' }, 'PUBLIC_URL'],
  [{ PUBLIC_URL: 'ftp://portal.example.com' }, 'PUBLIC_URL'],
  [{ DATABASE_URL: 'mysql://db/takeover' }, 'DATABASE_URL'],
  [{ DATABASE_URL: 'postgres://db/t', EVENTSTORE_URL: 'esdb://localhost:2113' }, 'EVENTSTORE_URL'],
  [{ EVENTSTORE_URL: 'http://localhost:2113' }, 'EVENTSTORE_URL'],
  [{ DATABASE_SCHEMA: 'drop table;' }, 'DATABASE_SCHEMA'],
  [{ SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL'],
  [{ ADMIN_API_KEY: 'short' }, 'ADMIN_API_KEY'],
  [{ ADMIN_EMAIL: 'not-an-email' }, 'ADMIN_EMAIL'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  [{ SHUTDOWN_DEADLINE_MS: '-1' }, 'SHUTDOWN_DEADLINE_MS'],
  [{ MAIL_FROM: 'nobody' }, 'MAIL_FROM'],
  [{ TRUST_PROXY: 'yes please' }, 'TRUST_PROXY'],
])('%j is refused, naming %s', (env, variable) => {
  const found = errors(env);
  expect(found.map((e) => e.variable)).toContain(variable);
  expect(found.find((e) => e.variable === variable)?.message).toMatch(/\w{3,}/);
});

test('every problem is reported at once', () => {
  expect(variables({ PORT: 'x', PUBLIC_URL: 'nope', ADMIN_API_KEY: 'short', SMTP_URL: 'mail' })).toEqual(
    expect.arrayContaining(['PORT', 'PUBLIC_URL', 'ADMIN_API_KEY', 'SMTP_URL']),
  );
});

test('Google: a real service account needs all three variables and a readable service-account key file', () => {
  const c = ok({ GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, GOOGLE_ADMIN_SUBJECT: 'admin@acme.example', GOOGLE_DOMAIN: 'acme.example' });
  expect(c.google).toMatchObject({
    mode: 'real',
    subject: 'admin@acme.example',
    domain: 'acme.example',
    credentials: { clientEmail: 'sync@proj.iam.gserviceaccount.com' },
  });
  expect(c.microsoft.mode).toBe('emulator');
  expect(variables({ GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile })).toEqual(
    expect.arrayContaining(['GOOGLE_ADMIN_SUBJECT', 'GOOGLE_DOMAIN']),
  );
  const missing = errors({
    GOOGLE_SERVICE_ACCOUNT_KEY_FILE: join(dir, 'missing.json'),
    GOOGLE_ADMIN_SUBJECT: 'admin@acme.example',
    GOOGLE_DOMAIN: 'acme.example',
  });
  expect(missing).toEqual([{ variable: 'GOOGLE_SERVICE_ACCOUNT_KEY_FILE', message: expect.stringContaining('ENOENT') as unknown }]);
  const notKey = errors({
    GOOGLE_SERVICE_ACCOUNT_KEY_FILE: certFile,
    GOOGLE_ADMIN_SUBJECT: 'admin@acme.example',
    GOOGLE_DOMAIN: 'acme.example',
  });
  expect(notKey[0]).toMatchObject({
    variable: 'GOOGLE_SERVICE_ACCOUNT_KEY_FILE',
    message: expect.stringContaining('not a service account key') as unknown,
  });
  // The message never quotes the key.
  expect(JSON.stringify(notKey)).not.toContain('PRIVATE KEY');
});

test('Microsoft: tenant, client id, domain and exactly one of secret or certificate', () => {
  const base = {
    MICROSOFT_TENANT_ID: '00000000-0000-0000-0000-000000000001',
    MICROSOFT_CLIENT_ID: '00000000-0000-0000-0000-000000000002',
    MICROSOFT_DOMAIN: 'contoso.com',
  };
  const secret = ok({ ...base, MICROSOFT_CLIENT_SECRET: 'client-secret-value' });
  expect(secret.microsoft).toMatchObject({ mode: 'real', domain: 'contoso.com' });
  if (secret.microsoft.mode !== 'real' || !('clientSecret' in secret.microsoft.credential)) throw new Error('expected a client secret');
  expect(reveal(secret.microsoft.credential.clientSecret)).toBe('client-secret-value');
  expect(JSON.stringify(secret)).not.toContain('client-secret-value');
  expect(ok({ ...base, MICROSOFT_CLIENT_CERTIFICATE_FILE: certFile }).microsoft).toMatchObject({
    mode: 'real',
    credential: { certificateFile: certFile },
  });
  expect(variables({ ...base })).toEqual(['MICROSOFT_CLIENT_SECRET']);
  expect(variables({ MICROSOFT_CLIENT_SECRET: 's' })).toEqual(
    expect.arrayContaining(['MICROSOFT_TENANT_ID', 'MICROSOFT_CLIENT_ID', 'MICROSOFT_DOMAIN']),
  );
  expect(variables({ ...base, MICROSOFT_CLIENT_SECRET: 's', MICROSOFT_CLIENT_CERTIFICATE_FILE: certFile })).toEqual([
    'MICROSOFT_CLIENT_CERTIFICATE_FILE',
  ]);
  expect(variables({ ...base, MICROSOFT_CLIENT_CERTIFICATE_FILE: join(dir, 'nope.pem') })).toEqual(['MICROSOFT_CLIENT_CERTIFICATE_FILE']);
  expect(variables({ ...base, MICROSOFT_CLIENT_CERTIFICATE_FILE: keyFile })).toEqual(['MICROSOFT_CLIENT_CERTIFICATE_FILE']);
  expect(variables({ ...base, MICROSOFT_CLIENT_ID: 'not-a-guid', MICROSOFT_CLIENT_SECRET: 's' })).toEqual(['MICROSOFT_CLIENT_ID']);
});

test('the API key is kept as a Secret', () => {
  const key = 'k'.repeat(40);
  const c = ok({ ADMIN_API_KEY: key });
  expect(c.adminApiKey === undefined ? undefined : reveal(c.adminApiKey)).toBe(key);
  expect(JSON.stringify(c)).not.toContain(key);
});

test("TRUST_PROXY: off by default; true, a hop count, or the proxies' addresses", () => {
  expect(ok({}).trustProxy).toBe(false);
  expect(ok({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  expect(ok({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  expect(ok({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe('10.0.0.0/8,127.0.0.1');
});

test('INSTANCE_ID names this instance in its leases (default host name and port); endpoint overrides must be absolute URLs', () => {
  expect(ok({ PORT: '8080' }).instanceId).toMatch(/:8080$/);
  expect(ok({ INSTANCE_ID: 'pod-7' }).instanceId).toBe('pod-7');
  expect(variables({ INSTANCE_ID: 'two words' })).toEqual(['INSTANCE_ID']);
});
