// R14 for the emulators: a password reaches them in plaintext but is kept only as a verifier, so
// no state dump, admin API answer or log line contains it.
import { startEntraEmulator, startGoogleEmulator } from '@takeover/directory-emulators';
import type { EntraEmulator } from '@takeover/directory-emulators';
import { entraFetchDispatcher, entraGraphClient, googleDirectoryClients } from '@takeover/directory-emulators/testing';

const SEEDED = 'Seeded-Secret-Pass-1';
const GOOGLE_PW = 'Google-Plain-Pass-2';
const ENTRA_PW = 'Entra-Plain-Pass-3';

it('passwords are stored only as scrypt verifiers and never appear in dumps, admin answers or logs', async () => {
  const logs: string[] = [];
  const log = (l: string): void => {
    logs.push(l);
  };
  const google = await startGoogleEmulator({
    scryptN: 1024,
    log,
    seed: { users: [{ primaryEmail: 'admin@example.com', givenName: 'A', familyName: 'B', isAdmin: true, password: SEEDED }] },
  });
  let entra: EntraEmulator | undefined;
  try {
    entra = await startEntraEmulator({
      scryptN: 1024,
      log,
      seed: {
        tenants: [
          {
            domains: ['contoso.com'],
            apps: [{}],
            users: [{ userPrincipalName: 'alex@contoso.com', displayName: 'Alex', password: SEEDED }],
          },
        ],
      },
    });
    const { directory } = googleDirectoryClients(google);
    await directory.users.insert({
      requestBody: { primaryEmail: 'p@example.com', name: { givenName: 'P', familyName: 'Q' }, password: GOOGLE_PW },
    });
    await directory.users.patch({ userKey: 'p@example.com', requestBody: { password: `${GOOGLE_PW}x` } });
    await entraGraphClient(entra)
      .api('/users/alex@contoso.com')
      .patch({ passwordProfile: { password: ENTRA_PW } });

    expect(await google.passwordMatches('p@example.com', `${GOOGLE_PW}x`)).toBe(true);
    expect(await entra.passwordMatches('alex@contoso.com', ENTRA_PW)).toBe(true);
    const dispatcher = entraFetchDispatcher(entra);
    const texts = [
      JSON.stringify(google.dump()),
      JSON.stringify(entra.dump()),
      await (await fetch(`${google.url}__admin/state`)).text(),
      await (await fetch(`${google.url}__admin/users/p@example.com`)).text(),
      await (await fetch(`${entra.url}__admin/state`, { dispatcher } as unknown as RequestInit)).text(),
      ...logs,
    ];
    expect(JSON.stringify(google.dump())).toContain('"scheme":"scrypt"');
    expect(logs.length).toBeGreaterThan(3);
    for (const secret of [SEEDED, GOOGLE_PW, ENTRA_PW]) for (const t of texts) expect(t).not.toContain(secret);
  } finally {
    try {
      await google.close();
    } finally {
      await entra?.close();
    }
  }
});
