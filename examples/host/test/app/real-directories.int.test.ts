// With credentials for a real tenant, that directory is wired to the provider's API and its emulator
// is not started (nothing here calls out: connecting a directory is an event, not a request).
import { generateKeyPairSync } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Secret } from '@takeover/core';
import { left, startApp, tempDir } from './harness.js';

it('GOOGLE_* configured: google is the real Workspace, microsoft stays emulated', async () => {
  const dir = await tempDir('host-real-');
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
  const { app, logs } = await startApp(join(dir, 'data'), {
    GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile,
    GOOGLE_ADMIN_SUBJECT: 'it@acme.example',
    GOOGLE_DOMAIN: 'acme.example',
  });
  try {
    expect(
      (await app.admin.directories()).map((d) => [
        d.id,
        d.mode,
        d.label,
        d.endpoint.startsWith('https://admin.googleapis.com') || d.mode === 'emulator',
      ]),
    ).toEqual([
      ['google', 'real', 'Google Workspace (acme.example)', true],
      ['microsoft', 'emulator', 'Microsoft 365 (example.com)', true],
    ]);
    expect(app.demo?.seededUsers().map((u) => u.directories)).toEqual([['microsoft'], ['microsoft'], ['microsoft'], ['microsoft']]);
    expect(
      left(await (app.demo?.verify('google', 'ada@example.com', Secret.of('x')) ?? Promise.reject(new Error('no demo')))),
    ).toMatchObject({ kind: 'not-found', what: 'directory' });
    expect(logs()).not.toContain('PRIVATE KEY');
  } finally {
    await app.close(1_000);
    await rm(dir, { recursive: true, force: true });
  }
});
