// A dump can be re-seeded: users come back with their password verifiers (no plaintext needed),
// ids and sign-out / revocation history, so a host can persist an emulator across restarts.
import { startEntraEmulator, startGoogleEmulator } from '@takeover/directory-emulators';
import { entraGraphClient, googleDirectoryClients } from '@takeover/directory-emulators/testing';

const PW = 'Restored-Pass-42';

it('Google: a user from dump() seeds a new emulator with the same password, id and sign-outs', async () => {
  const first = await startGoogleEmulator({ scryptN: 1024 });
  let dumped: ReturnType<typeof first.dump>['users'][number] | undefined;
  try {
    await googleDirectoryClients(first).directory.users.insert({
      requestBody: { primaryEmail: 'kim@example.com', name: { givenName: 'Kim', familyName: 'K' }, password: PW },
    });
    dumped = first.dump().users.find((u) => u.primaryEmail === 'kim@example.com');
  } finally {
    await first.close();
  }
  if (dumped === undefined || dumped.passwordVerifier === null) throw new Error('no dumped user');
  const second = await startGoogleEmulator({
    scryptN: 1024,
    seed: {
      users: [
        { primaryEmail: 'admin@example.com', givenName: 'A', familyName: 'B', isAdmin: true },
        {
          id: dumped.id,
          primaryEmail: dumped.primaryEmail,
          givenName: dumped.givenName,
          familyName: dumped.familyName,
          passwordVerifier: dumped.passwordVerifier,
          ...(dumped.passwordSetAt === null ? {} : { passwordSetAt: dumped.passwordSetAt }),
          signOutCount: dumped.signOutCount,
          ...(dumped.lastSignOutAt === null ? {} : { lastSignOutAt: dumped.lastSignOutAt }),
        },
      ],
    },
  });
  try {
    expect(await second.passwordMatches('kim@example.com', PW)).toBe(true);
    expect(await second.passwordMatches('kim@example.com', `${PW}x`)).toBe(false);
    expect(second.user('kim@example.com')).toMatchObject({
      id: dumped.id,
      signOutCount: dumped.signOutCount,
      lastSignOutAt: dumped.lastSignOutAt,
      passwordSetAt: dumped.passwordSetAt,
    });
  } finally {
    await second.close();
  }
});

it('Entra: a user from dump() seeds a new emulator with the same password, id, properties and revocations', async () => {
  const first = await startEntraEmulator({ scryptN: 1024 });
  let tenant: ReturnType<typeof first.dump>['tenants'][number] | undefined;
  try {
    await entraGraphClient(first)
      .api('/users/alex@contoso.com')
      .patch({ passwordProfile: { password: PW }, jobTitle: 'Engineer' });
    tenant = first.dump().tenants[0];
  } finally {
    await first.close();
  }
  const dumped = tenant?.users.find((u) => u.userPrincipalName === 'alex@contoso.com');
  if (tenant === undefined || dumped === undefined || dumped.passwordVerifier === null) throw new Error('no dumped user');
  const second = await startEntraEmulator({
    scryptN: 1024,
    seed: {
      tenants: [
        {
          id: tenant.id,
          domains: [...tenant.domains],
          apps: [{}],
          users: [
            {
              ...(dumped.properties as { displayName: string }),
              id: dumped.id,
              userPrincipalName: dumped.userPrincipalName,
              passwordVerifier: dumped.passwordVerifier,
              ...(dumped.passwordSetAt === null ? {} : { passwordSetAt: dumped.passwordSetAt }),
              ...(dumped.refreshTokensRevokedAt === null ? {} : { refreshTokensRevokedAt: dumped.refreshTokensRevokedAt }),
              ...(dumped.signInSessionsRevokedAt === null ? {} : { signInSessionsRevokedAt: dumped.signInSessionsRevokedAt }),
              revocationCount: dumped.revocationCount,
            },
          ],
        },
      ],
    },
  });
  try {
    expect(await second.passwordMatches('alex@contoso.com', PW)).toBe(true);
    const restored = second.user('alex@contoso.com');
    expect(restored).toMatchObject({
      id: dumped.id,
      refreshTokensRevokedAt: dumped.refreshTokensRevokedAt,
      revocationCount: dumped.revocationCount,
    });
    expect(restored?.properties['jobTitle']).toBe('Engineer');
    expect(restored?.revocationCount).toBeGreaterThan(0);
  } finally {
    await second.close();
  }
});
