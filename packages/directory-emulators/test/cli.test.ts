import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { runEmulators } from '@takeover/directory-emulators';

const run = promisify(execFile);

it('runEmulators (the takeover-emulators command) starts both from a seed file; a spawned process trusts the CA through NODE_EXTRA_CA_CERTS', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'takeover-cli-'));
  const seedPath = join(dir, 'seed.json');
  await writeFile(
    seedPath,
    JSON.stringify({
      google: {
        domains: ['example.com'],
        users: [{ primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true }],
        quotas: { perUser: { limit: 100, windowSeconds: 60 } },
      },
      entra: {
        tenants: [
          {
            domains: ['contoso.com'],
            apps: [{ displayName: 'Takeover', certificate: true }],
            users: [{ userPrincipalName: 'alex@contoso.com', displayName: 'Alex' }],
          },
        ],
      },
    }),
  );
  const lines: string[] = [];
  const started = await runEmulators(['--seed', seedPath, '--out', dir, '--quiet'], (l) => lines.push(l));
  if (E.isLeft(started)) throw new Error(started.left.message);
  const { google, entra, credentialsPath, close } = started.right;
  try {
    expect(lines.join('\n')).toContain(entra.caCertPath);
    expect(lines.join('\n')).toContain(credentialsPath);
    expect(google.quotas().perUser).toEqual({ limit: 100, windowSeconds: 60 });
    const creds = JSON.parse(await readFile(credentialsPath, 'utf8')) as {
      entra: { tenants: Array<{ apps: Array<{ certificatePath: string }> }> };
    };
    expect(await readFile(creds.entra.tenants[0]?.apps[0]?.certificatePath ?? '', 'utf8')).toContain('BEGIN CERTIFICATE');

    expect(entra.user('alex@contoso.com')?.refreshTokensRevokedAt).toBeNull(); // no revocation before the reset
    const child = await run(process.execPath, [join(__dirname, 'fixtures', 'spawned-clients.mjs'), credentialsPath], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: entra.caCertPath },
      timeout: 60_000,
    });
    expect(JSON.parse(child.stdout)).toEqual({ graphUser: 'alex@contoso.com', googleUser: 'admin@example.com' });
    expect(await entra.passwordMatches('alex@contoso.com', 'Spawned-Pass-123')).toBe(true);
    // The admin's password reset ended the user's sessions: the revocation time is now a timestamp (not null, not absent).
    expect(entra.user('alex@contoso.com')?.refreshTokensRevokedAt).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
    expect(await google.passwordMatches('admin@example.com', 'Spawned-Google-1')).toBe(true);
  } finally {
    await close();
    await rm(dir, { recursive: true, force: true });
  }
});

it('refuses a malformed seed with the decoder path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'takeover-cli-'));
  const seedPath = join(dir, 'seed.json');
  await writeFile(seedPath, JSON.stringify({ google: { users: [{ primaryEmail: 42 }] } }));
  const r = await runEmulators(['--seed', seedPath, '--out', dir], () => undefined);
  expect(E.isLeft(r) && r.left.message).toMatch(/invalid seed/);
  await rm(dir, { recursive: true, force: true });
});
