// onChange: a host that keeps an emulator's state on disk hears of every write before its caller does.
import { startGoogleEmulator } from '@takeover/directory-emulators';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import { googleDirectoryClients } from '@takeover/directory-emulators/testing';

let emu: GoogleEmulator;
const seen: string[] = [];

beforeAll(async () => {
  emu = await startGoogleEmulator({
    scryptN: 1024,
    seed: { users: [{ primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true }] },
    // What the state says at the moment of the call: the write has landed, its answer has not left.
    onChange: () => {
      seen.push(emu.user('new.hire@example.com') === undefined ? 'absent' : 'present');
    },
  });
});
afterAll(() => emu.close());

test('a write calls onChange with its change applied, before the caller has the answer; reads and refusals do not', async () => {
  const google = googleDirectoryClients(emu);
  await google.directory.users.list({ domain: 'example.com' });
  expect(seen).toEqual([]);
  await google.directory.users.insert({
    requestBody: { primaryEmail: 'new.hire@example.com', name: { givenName: 'New', familyName: 'Hire' }, password: 'Temporary-Password-1' },
  });
  expect(seen).toEqual(['present']);
  await expect(
    google.directory.users.insert({
      requestBody: {
        primaryEmail: 'new.hire@example.com',
        name: { givenName: 'New', familyName: 'Hire' },
        password: 'Temporary-Password-1',
      },
    }),
  ).rejects.toBeDefined();
  expect(seen).toEqual(['present']);
});

test('a promise from onChange holds the answer: when the host cannot keep the change, the caller is not told it succeeded', async () => {
  let fail = true;
  const held = await startGoogleEmulator({
    scryptN: 1024,
    seed: { users: [{ primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true }] },
    onChange: () => (fail ? Promise.reject(new Error('disk full')) : Promise.resolve()),
  });
  try {
    const google = googleDirectoryClients(held);
    const insert = (primaryEmail: string) =>
      google.directory.users.insert({
        requestBody: { primaryEmail, name: { givenName: 'New', familyName: 'Hire' }, password: 'Temporary-Password-1' },
      });
    await expect(insert('unsaved@example.com')).rejects.toBeDefined();
    fail = false;
    await expect(insert('saved@example.com')).resolves.toMatchObject({ status: 200 });
  } finally {
    await held.close();
  }
});
