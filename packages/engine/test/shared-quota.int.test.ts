// One quota across instances: three engines, each with its own pool, on one PostgreSQL schema, share
// each directory's budget (createPostgresQuotaBudget) against one emulator pair whose quotas are the
// published per-second rates as one-second buckets (Google 40/s, Graph 20/s). Every user logs in on
// two instances at once. Each instance alone paces at 90 % of the quota, so without the shared
// budget the three together would send 2.7 × what the directories accept (run without `budget`, this
// storm got throttled Graph writes after the first second); with it: none, and each push exactly once.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { startEntraEmulator, startGoogleEmulator } from '@takeover/directory-emulators';
import type { EntraEmulator, GoogleEmulator } from '@takeover/directory-emulators';
import { googleConnectorForEmulator, googleTarget } from '@takeover/connector-google-workspace/testing';
import { entraConnectorForEmulator, entraTarget } from '@takeover/connector-microsoft-entra/testing';
import type { UserId } from '@takeover/core';
import { userId } from '@takeover/core';
import type { Engine } from '@takeover/engine';
import { createPostgresEventStore, createPostgresQuotaBudget } from '@takeover/event-store-postgres';
import type { PostgresEventStore, PostgresQuotaBudget } from '@takeover/event-store-postgres';
import { GOOGLE, M365, OLD_PASSWORD, PASSWORD, cmd, world } from './world.js';

const USERS = 120;
const schema = `quota_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const pool = () =>
  new pg.Pool({
    host: process.env.PGHOST ?? '127.0.0.1',
    user: process.env.PGUSER ?? 'postgres',
    database: process.env.PGDATABASE ?? 'test',
    max: 6,
  });
const pools = [pool(), pool(), pool()];
const instances: Array<{ store: PostgresEventStore; budget: PostgresQuotaBudget }> = [];
let google: GoogleEmulator;
let entra: EntraEmulator;

beforeAll(async () => {
  for (const p of pools) {
    const store = await createPostgresEventStore({ pool: p, schema })();
    const budget = await createPostgresQuotaBudget({ pool: p, schema })();
    if (E.isLeft(store) || E.isLeft(budget)) throw new Error('PostgreSQL unavailable: set PGHOST/PGUSER/PGDATABASE');
    instances.push({ store: store.right, budget: budget.right });
  }
  google = await startGoogleEmulator({ scryptN: 16, quotas: { perUser: { limit: 40, windowSeconds: 1 } } });
  entra = await startEntraEmulator({ scryptN: 16, quotas: { appTenantWrites: { limit: 20, windowSeconds: 1 }, tenantWrites: null } });
});
afterAll(async () => {
  await Promise.all(instances.map((i) => i.budget.close()));
  await google.close();
  await entra.close();
  await pools[0]?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await Promise.all(pools.map((p) => p.end()));
});

const throttling = (a: { status: number; reason: string }) =>
  a.status === 429 || (a.status === 403 && /RateLimitExceeded|rateLimitExceeded|quotaExceeded/.test(a.reason));

test(`three instances on one PostgreSQL share each directory's quota: ${USERS} users logging in on two instances at once, no throttling after the first second, each push once`, async () => {
  const entraDomain = entra.tenants[0]?.domains[0] ?? 'contoso.com';
  const names = Array.from({ length: USERS }, (_, i) => `shared${i}`);
  const seededG = await google.seed({
    users: names.map((n) => ({ primaryEmail: `${n}@example.com`, givenName: 'Shared', familyName: n, password: OLD_PASSWORD })),
  });
  const seededE = await entra.seed({
    tenants: [
      {
        id: entra.tenantId,
        domains: [entraDomain],
        users: names.map((n) => ({
          userPrincipalName: `${n}@${entraDomain}`,
          mail: `${n}@${entraDomain}`,
          displayName: `Shared ${n}`,
          givenName: 'Shared',
          surname: n,
          password: OLD_PASSWORD,
        })),
      },
    ],
  });
  if (seededG._tag === 'Left' || seededE._tag === 'Left') throw new Error('seed refused');
  const [a, b, c] = instances;
  if (a === undefined || b === undefined || c === undefined) throw new Error('instances');
  const w = await world(
    {
      store: a.store,
      budget: a.budget,
      pacing: { 'google-workspace': { ratePerSecond: 36, maxInFlight: 16 }, 'microsoft-entra': { ratePerSecond: 18, maxInFlight: 8 } },
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
  const engines: Engine[] = [
    w.engine,
    w.newEngine({ store: b.store, budget: b.budget }),
    w.newEngine({ store: c.store, budget: c.budget }),
  ];
  try {
    const users: UserId[] = [];
    for (const n of names) {
      const u = userId(n);
      await w.run(cmd.createActive(u, { email: `${n}@example.com`, givenName: 'Shared', familyName: n }, PASSWORD));
      await w.run(cmd.bind(u, GOOGLE, google.user(`${n}@example.com`)?.id ?? ''));
      await w.run(cmd.bind(u, M365, entra.user(`${n}@${entraDomain}`)?.id ?? ''));
      users.push(u);
    }
    await w.engine.idle();

    const auditBefore = { google: google.audit().length, entra: entra.audit().length };
    const start = Date.now();
    const logins = await Promise.all(
      users.flatMap((u, i) => [
        (engines[i % 3] as Engine).execute(cmd.logIn(u))(),
        (engines[(i + 1) % 3] as Engine).execute(cmd.logIn(u))(),
      ]),
    );
    expect(logins.every((r) => r._tag === 'Right')).toBe(true);
    await Promise.all(engines.map((e) => e.idle()));

    expect(google.errorAnswers().filter((x) => throttling(x) && x.at > start + 1000)).toEqual([]);
    expect(entra.errorAnswers().filter((x) => throttling(x) && x.at > start + 1000)).toEqual([]);
    // Counted at the directories: each password set exactly once (none lost, none twice).
    const googleAudit = google.audit().slice(auditBefore.google);
    const entraAudit = entra.audit().slice(auditBefore.entra);
    expect(googleAudit.filter((x) => x.eventName === 'CHANGE_PASSWORD')).toHaveLength(USERS);
    expect(entraAudit.filter((x) => x.activityDisplayName === 'Reset user password')).toHaveLength(USERS);
    expect(w.metrics.pushes()).toEqual({ 'google/succeeded': USERS, 'm365/succeeded': USERS });
    // The shared rate stayed at the quota: no throttling answer halved it.
    const busy = await Promise.all([a, b, c].map((x) => x.budget.inspect(M365)));
    expect(busy.every((r) => r?.ratePerSecond === 18)).toBe(true);
    for (const u of users.filter((_, i) => i % 20 === 0)) {
      expect(await google.passwordMatches(`${u}@example.com`, PASSWORD)).toBe(true);
      expect(await entra.passwordMatches(`${u}@${entraDomain}`, PASSWORD)).toBe(true);
    }
  } finally {
    // Every engine, before afterAll ends the budgets' pools (a pacer still asking a closed budget would hold the process).
    await Promise.all(engines.map((e) => e.close()));
  }
}, 120_000);
