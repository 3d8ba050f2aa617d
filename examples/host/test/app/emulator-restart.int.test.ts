// The demo emulators' restart (issue 13, a fast restart): the Entra emulator's CA, server certificate
// and token-signing key are kept in DATA_DIR/emulators/state.json with the accounts, so a restart
// generates no keys; a client that trusts the kept CA still connects; certificates close to their
// end are made afresh.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { startDemoEmulators } from '../../src/index.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'takeover-emulator-restart-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const statePath = () => join(dir, 'state.json');
const DAY = 24 * 60 * 60 * 1000;

test('a restart reuses the kept CA, server certificate and signing key, and a client trusting the CA connects', async () => {
  const first = await startDemoEmulators({ dir, scryptN: 1024 });
  const kept = first.microsoft?.tls;
  await first.close();
  expect(kept).toBeDefined();
  const saved = JSON.parse(await readFile(statePath(), 'utf8')) as { entraTls?: unknown };
  expect(saved.entraTls).toEqual(kept);

  const second = await startDemoEmulators({ dir, scryptN: 1024 });
  try {
    expect(second.microsoft?.tls).toEqual(kept);
    // A client that kept the first run's CA trusts the restarted emulator.
    const dispatcher = new Agent({ connect: { ca: kept?.caPem ?? '' } });
    const res = await fetch(`${second.microsoft?.authorityHost ?? ''}/common/discovery/instance`, {
      dispatcher,
    } as RequestInit);
    expect(res.status).toBeLessThan(500);
    await dispatcher.close();
  } finally {
    await second.close();
  }
});

test('kept certificates within a day of their end are made afresh', async () => {
  const first = await startDemoEmulators({ dir, scryptN: 1024 });
  const kept = first.microsoft?.tls;
  await first.close();
  if (kept === undefined) throw new Error('no Entra emulator');
  expect(Date.parse(new X509Certificate(kept.certPem).validTo) - Date.now()).toBeGreaterThan(29 * DAY);
  // 30 days on (the emulator's certificates are made for 30): the kept ones are within a day of their end.
  const realNow = Date.now;
  Date.now = () => realNow() + 30 * DAY;
  let second: Awaited<ReturnType<typeof startDemoEmulators>> | undefined;
  try {
    second = await startDemoEmulators({ dir, scryptN: 1024 });
  } finally {
    Date.now = realNow;
  }
  try {
    expect(second.microsoft?.tls.caPem).not.toBe(kept.caPem);
    expect(second.microsoft?.tls.certPem).not.toBe(kept.certPem);
    expect(second.microsoft?.tls.signingKeyPem).not.toBe(kept.signingKeyPem);
    const saved = JSON.parse(await readFile(statePath(), 'utf8')) as { entraTls?: unknown };
    expect(saved.entraTls).toEqual(second.microsoft?.tls);
  } finally {
    await second.close();
  }
});
