import { quickstart } from '../examples/quickstart.js';

it('the README quickstart runs: a Google signOut is counted (a password change alone signs nobody out), an Entra one revokes refresh tokens', async () => {
  const r = await quickstart();
  expect(r.googleSignOuts).toBe(1);
  expect(r.entraRevokedAt).not.toBeNull();
});
