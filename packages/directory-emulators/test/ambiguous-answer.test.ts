// Faults that make an outcome ambiguous: the change lands, the answer does not (in time).
import { startGoogleEmulator } from '@takeover/directory-emulators';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import { googleDirectoryClients } from '@takeover/directory-emulators/testing';
import type { GoogleDirectoryClients } from '@takeover/directory-emulators/testing';

let emu: GoogleEmulator;
let google: GoogleDirectoryClients;

beforeAll(async () => {
  emu = await startGoogleEmulator({
    scryptN: 1024,
    seed: {
      users: [
        { primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true },
        { primaryEmail: 'eve@example.com', givenName: 'Eve', familyName: 'E' },
      ],
    },
  });
  google = googleDirectoryClients(emu);
});
afterAll(() => emu.close());

describe('answers lost after the change landed', () => {
  it('answerAfterMs: the client gives up, yet the password was set', async () => {
    await google.directory.users.get({ userKey: 'eve@example.com' }); // token fetched first, so the abort below concerns the update
    emu.injectFault({ path: '/admin/directory/v1/users', method: 'PUT', answerAfterMs: 60_000 });
    const abort = new AbortController();
    const update = google.directory.users.update(
      { userKey: 'eve@example.com', requestBody: { password: 'Landed-Anyway-7!' } },
      { signal: abort.signal, retry: false },
    );
    // Wait for the change itself, not for a time: the emulator's own state says when it landed.
    while (!(await emu.passwordMatches('eve@example.com', 'Landed-Anyway-7!'))) await new Promise((r) => setImmediate(r));
    abort.abort();
    await expect(update).rejects.toBeDefined();
    expect(await emu.passwordMatches('eve@example.com', 'Landed-Anyway-7!')).toBe(true);
  });

  it('dropAnswer: the connection drops after the change landed', async () => {
    emu.injectFault({ path: '/admin/directory/v1/users', method: 'PUT', dropAnswer: true });
    await expect(
      google.directory.users.update({ userKey: 'eve@example.com', requestBody: { password: 'Dropped-After-8!' } }, { retry: false }),
    ).rejects.toMatchObject({});
    expect(await emu.passwordMatches('eve@example.com', 'Dropped-After-8!')).toBe(true);
  });
});
