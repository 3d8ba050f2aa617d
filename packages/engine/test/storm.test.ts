// The storm: 2,000 users bound to both directories log in at once, through the real connectors,
// against the emulators with their quotas on. Every push completes, and after the first second the
// emulators never had to throttle. Functional assertions on counts, not on time.
//
// To keep the suite short, both emulators' quotas and the engine's pacing are scaled by the same
// factor (4×: Google 160 requests/s per user, Graph 80 writes/s per app and tenant, each as a
// one-second bucket so no burst allowance can hide a pacing fault; the engine paces at 90% of it).
// The assertion discriminates: the same storm with pacing switched off (rate 100,000/s, 64 in
// flight) got 132 throttled Graph writes after the first second. TAKEOVER_STORM_USERS and
// TAKEOVER_STORM_SCALE (1 = the published quotas) change the size.
import { startEntraEmulator, startGoogleEmulator } from '@takeover/directory-emulators';
import type { EntraEmulator, GoogleEmulator } from '@takeover/directory-emulators';
import { googleConnectorForEmulator, googleTarget } from '@takeover/connector-google-workspace/testing';
import { entraConnectorForEmulator, entraTarget } from '@takeover/connector-microsoft-entra/testing';
import type { UserId } from '@takeover/core';
import { userId } from '@takeover/core';
import { GOOGLE, M365, OLD_PASSWORD, PASSWORD, cmd, world } from './world.js';

const USERS = Number(process.env.TAKEOVER_STORM_USERS ?? 2000);
const SCALE = Number(process.env.TAKEOVER_STORM_SCALE ?? 4);

let google: GoogleEmulator;
let entra: EntraEmulator;
const lines: Array<{ at: number; status: number; line: string }> = [];
const sink = (line: string) => {
  lines.push({ at: Date.now(), status: Number(line.split(' ')[2]), line });
};

beforeAll(async () => {
  google = await startGoogleEmulator({ scryptN: 16, log: sink, quotas: { perUser: { limit: 40 * SCALE, windowSeconds: 1 } } });
  entra = await startEntraEmulator({
    scryptN: 16,
    log: sink,
    quotas: { appTenantWrites: { limit: 20 * SCALE, windowSeconds: 1 }, tenantWrites: null },
  });
});
afterAll(async () => {
  await google.close();
  await entra.close();
});

test(`storm: ${USERS} users bound to both directories log in at once; every push completes, no throttling after the first second`, async () => {
  const entraDomain = entra.tenants[0]?.domains[0] ?? 'contoso.com';
  const names = Array.from({ length: USERS }, (_, i) => `storm${i}`);
  const seededG = await google.seed({
    users: names.map((n) => ({ primaryEmail: `${n}@example.com`, givenName: 'Storm', familyName: n, password: OLD_PASSWORD })),
  });
  const seededE = await entra.seed({
    tenants: [
      {
        id: entra.tenantId,
        domains: [entraDomain],
        users: names.map((n) => ({
          userPrincipalName: `${n}@${entraDomain}`,
          mail: `${n}@${entraDomain}`,
          displayName: `Storm ${n}`,
          givenName: 'Storm',
          surname: n,
          password: OLD_PASSWORD,
        })),
      },
    ],
  });
  if (seededG._tag === 'Left' || seededE._tag === 'Left') throw new Error('seed refused');

  const w = await world(
    {
      pacing: {
        'google-workspace': { ratePerSecond: 36 * SCALE, maxInFlight: 16 },
        'microsoft-entra': { ratePerSecond: 18 * SCALE, maxInFlight: 8 },
      },
      hold: { holdMs: 5 * 60_000 },
    },
    {
      google: {
        connector: googleConnectorForEmulator(google, { timeoutMs: 10_000 }),
        target: googleTarget(google, 10_000),
        close: () => Promise.resolve(),
      },
      m365: {
        connector: entraConnectorForEmulator(entra, { timeoutMs: 10_000 }),
        target: entraTarget(entra, 10_000),
        close: () => Promise.resolve(),
      },
    },
  );
  const users: UserId[] = [];
  for (const n of names) {
    const u = userId(n);
    await w.run(cmd.createActive(u, { email: `${n}@example.com`, givenName: 'Storm', familyName: n }, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE, google.user(`${n}@example.com`)?.id ?? ''));
    await w.run(cmd.bind(u, M365, entra.user(`${n}@${entraDomain}`)?.id ?? ''));
    users.push(u);
  }
  await w.engine.idle();
  expect(w.outbox.sent()).toHaveLength(2 * USERS); // R1: one binding email per user and directory

  google.resetRequestCounts();
  entra.resetRequestCounts();
  const auditBefore = { google: google.audit().length, entra: entra.audit().length };
  const start = Date.now();
  const logins = await Promise.all(users.map((u) => w.engine.execute(cmd.logIn(u))()));
  expect(logins.every((r) => r._tag === 'Right')).toBe(true);
  await w.engine.idle();

  expect(w.metrics.pushes()).toEqual({ 'google/succeeded': USERS, 'm365/succeeded': USERS });
  const throttledLate = lines.filter((l) => l.status === 429 && l.at > start + 1000);
  expect(throttledLate).toEqual([]);
  // The emulators' own count, independent of the engine's metric: Google throttles with 429 and with
  // 403 userRateLimitExceeded / quotaExceeded / rateLimitExceeded; Graph with 429.
  const throttling = (a: { status: number; reason: string }) =>
    a.status === 429 || (a.status === 403 && /RateLimitExceeded|rateLimitExceeded|quotaExceeded/.test(a.reason));
  expect(google.errorAnswers().filter((a) => throttling(a) && a.at > start + 1000)).toEqual([]);
  expect(entra.errorAnswers().filter((a) => throttling(a) && a.at > start + 1000)).toEqual([]);
  // Passwords set and sessions ended, counted at the emulators (their audit logs), not by the engine.
  const googleAudit = google.audit().slice(auditBefore.google);
  const entraAudit = entra.audit().slice(auditBefore.entra);
  expect(googleAudit.filter((a) => a.eventName === 'CHANGE_PASSWORD')).toHaveLength(USERS);
  expect(entraAudit.filter((a) => a.activityDisplayName === 'Reset user password')).toHaveLength(USERS);
  expect(googleAudit.filter((a) => a.eventName === 'USER_SIGN_OUT')).toHaveLength(0); // no revocation asked
  expect(entraAudit.filter((a) => a.activityDisplayName === 'Revoke sign-in sessions')).toHaveLength(0);
  expect(w.metrics.throttles()).toEqual({});
  expect(w.metrics.maxQueueDepth()[GOOGLE]).toBeGreaterThan(0); // the pacer queued, rather than the directory refusing
  expect(w.metrics.latencies()).toHaveLength(2 * USERS);
  const sample = users.filter((_, i) => i % Math.max(1, Math.floor(USERS / 20)) === 0);
  for (const u of sample) {
    expect(await google.passwordMatches(`${u}@example.com`, PASSWORD)).toBe(true);
    expect(await entra.passwordMatches(`${u}@${entraDomain}`, PASSWORD)).toBe(true);
  }
  expect(w.engine.heldCount()).toBe(0);
}, 600_000); // a bound against a hang: 2,000 users took 189 s on a machine at load 15
