// Scenario 5, the login storm: users bound to both directories (the Google Workspace and Microsoft
// Entra emulators, through the real connectors, at the published quotas) log in within one minute,
// spread evenly; some change their password in the portal a little later and log in again with it.
// Figures: drain time (first login → last push recorded) against the bound the quotas set, throttled
// answers after the first second, pushes still owed after the drain, and users whose directory ended
// with an older password than their latest.
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import type { UserId } from '@takeover/core';
import { syncStatus, userId } from '@takeover/core';
import type { DirectoryConnector } from '@takeover/connector-kit';
import type { EngineMetrics } from '@takeover/engine';
import {
  CATCH_UP_MS,
  DEFAULT_HOLD_MS,
  createEngine,
  inMemoryOutbox,
  knownQuotas,
  loadDirectories,
  loadUser,
  maxHoldMsOf,
} from '@takeover/engine';
import { inMemoryEventStore } from '@takeover/event-store';
import { GOOGLE, M365, MAIL, cmd, connectDirectories, inBatches, round, run, sleep, versionsOf } from '../engine/common.js';
import { startStormDirectories } from '../engine/stormDirectories.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';

/**
 * The full size. 10,000 users (the issue's figure) need 10,000 Entra writes; at the published
 * 20 writes/s per app and tenant that alone is 500 s (556 s at the engine's 90 % pacing), and a user
 * queued longer than the default 5-minute plaintext hold loses that push until the next login. To keep
 * `npm run bench` inside its 15 minutes, the full run uses 6,000 users (bound 300 s); the result says so.
 */
export const FULL_USERS = 6_000;
const ISSUE_USERS = 10_000;
const WINDOW_MS = 60_000;
/** One user in TWICE_EVERY changes the password in the portal a little after the first login and logs in again with it. */
const TWICE_EVERY = 20;
const FIRST = 'First-Password-1!storm';
const SECOND = 'Second-Password-2!storm';
const SEED = 'Seeded-Password-0!storm';
const WARM_UP_MS = 1_000;
/** Issue 13: the storm drains within 1.15 × the bound the quotas set. */
const DRAIN_TARGET = 1.15;

// The published quotas (docs: /work/shared/reference/directory-apis.md): Google 2,400 queries/min per
// user per project; Graph user writes 3,000 per 150 s per app+tenant and 18,000 per 5 min per tenant.
const GOOGLE_PER_USER = { limit: 2_400, windowSeconds: 60 };
const ENTRA_APP_TENANT = { limit: 3_000, windowSeconds: 150 };
const ENTRA_TENANT = { limit: 18_000, windowSeconds: 300 };
const sustained = (q: { limit: number; windowSeconds: number }) => q.limit / q.windowSeconds;

const stormMetrics = () => {
  const completed: Record<string, number> = {};
  let lastPushAt = 0;
  const lastByDirectory: Record<string, number> = {};
  let throttled = 0;
  let retried = 0;
  const metrics: EngineMetrics = {
    pushCompleted: (d, outcome) => {
      completed[`${d}/${outcome}`] = (completed[`${d}/${outcome}`] ?? 0) + 1;
      if (outcome === 'succeeded') {
        lastPushAt = Date.now();
        lastByDirectory[d] = lastPushAt;
      }
    },
    queueDepth: () => undefined,
    throttled: () => {
      throttled++;
    },
    retried: () => {
      retried++;
    },
  };
  return { metrics, completed, lastByDirectory, lastPushAt: () => lastPushAt, throttled: () => throttled, retried: () => retried };
};

/**
 * Counts a connector's pushes in flight (the engine's pacer caps them at `maxInFlight`): the time
 * spent at the cap says whether the directory's answers, rather than the rate, held the drain back.
 */
const inFlightGauge = (connector: DirectoryConnector, cap: number) => {
  let inFlight = 0;
  let peak = 0;
  let atCapSince: number | undefined;
  let atCapMs = 0;
  const wrapped: DirectoryConnector = {
    ...connector,
    push: (request) => async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      if (inFlight >= cap && atCapSince === undefined) atCapSince = performance.now();
      try {
        return await connector.push(request)();
      } finally {
        if (inFlight >= cap && atCapSince !== undefined) {
          atCapMs += performance.now() - atCapSince;
          atCapSince = undefined;
        }
        inFlight--;
      }
    },
  };
  return { connector: wrapped, peak: () => peak, atCapSeconds: () => round(atCapMs / 1000, 1) };
};

const run5 = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const users = ctx.sized(FULL_USERS, 40);
  // Smaller runs shrink the users and the login window together; below full size the quotas (and the
  // engine's pacing) are raised by the same factor, at most 4× (as the engine's storm test does), so
  // the smoke run stays short while the bound keeps its shape: backlog ÷ rate, compared with the window.
  const quotaFactor = ctx.scale >= 1 ? 1 : Math.min(4, 1 / ctx.scale);
  const windowMs = Math.max(1_000, Math.round(WINDOW_MS * Math.min(1, ctx.scale)));
  const q = (spec: { limit: number; windowSeconds: number }) => ({
    limit: Math.round(spec.limit * quotaFactor),
    windowSeconds: spec.windowSeconds,
  });

  const names = Array.from({ length: users }, (_, i) => `storm${i}`);
  ctx.log(`login-storm: starting the emulators in a child process, seeding ${users} users in both`);
  const directoriesProcess = await startStormDirectories({
    names,
    seedPassword: SEED,
    google: { perUser: q(GOOGLE_PER_USER) },
    entra: { appTenantWrites: q(ENTRA_APP_TENANT), tenantWrites: q(ENTRA_TENANT) },
  });
  const m = stormMetrics();
  const store = inMemoryEventStore();
  const googlePacing = knownQuotas['google-workspace'] ?? { ratePerSecond: 36, maxInFlight: 16 };
  const entraPacing = knownQuotas['microsoft-entra'] ?? { ratePerSecond: 18, maxInFlight: 8 };
  const googleGauge = inFlightGauge(directoriesProcess.google, googlePacing.maxInFlight);
  const entraGauge = inFlightGauge(directoriesProcess.entra, entraPacing.maxInFlight);
  const engine = createEngine({
    store,
    connectors: { [GOOGLE]: googleGauge.connector, [M365]: entraGauge.connector },
    mailer: inMemoryOutbox(),
    mail: MAIL,
    metrics: m.metrics,
    pacing: {
      'google-workspace': { ...googlePacing, ratePerSecond: googlePacing.ratePerSecond * quotaFactor },
      'microsoft-entra': { ...entraPacing, ratePerSecond: entraPacing.ratePerSecond * quotaFactor },
    },
  });
  try {
    const entraDomain = 'contoso.com';
    await connectDirectories(engine, entraDomain);
    const ids: UserId[] = names.map((n) => userId(n));
    await inBatches(names, 32, async (n, i) => {
      const u = ids[i] as UserId;
      await run(engine, cmd.createActive(u, { email: `${n}@example.com`, givenName: 'Storm', familyName: n }, FIRST));
      await run(engine, cmd.bind(u, GOOGLE, directoriesProcess.googleIds[i] ?? ''));
      await run(engine, cmd.bind(u, M365, directoriesProcess.entraIds[i] ?? ''));
    });
    await engine.idle(); // the binding emails (R1); no directory call yet
    ctx.log(`login-storm: ${users} users bound; ${users} logins over ${windowMs} ms`);

    // The storm: login i at start + i·window/users; every TWICE_EVERY-th user changes the password in
    // the portal between 5 % and 55 % of the window later and logs in again with it.
    const twice = ids.filter((_, i) => i % TWICE_EVERY === 0);
    const pending: Array<Promise<void>> = [];
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const loadAtStart = loadavg()[0] ?? 0;
    const start = Date.now();
    const second = async (u: UserId, delayMs: number) => {
      await sleep(delayMs);
      await run(engine, cmd.changePassword(u, SECOND));
      await run(engine, cmd.logIn(u, SECOND));
    };
    for (let i = 0; i < users; i++) {
      const due = start + (i * windowMs) / users;
      const wait = due - Date.now();
      if (wait > 1) await sleep(wait);
      const u = ids[i] as UserId;
      pending.push(run(engine, cmd.logIn(u, FIRST)));
      if (i % TWICE_EVERY === 0) pending.push(second(u, windowMs * (0.05 + ((i * 7919) % 1000) / 2000)));
    }
    await Promise.all(pending);
    await engine.idle();
    const drainMs = m.lastPushAt() - start;
    lag.disable();
    ctx.log(`login-storm: drained in ${round(drainMs / 1000, 1)} s`);

    // Owed after the drain: every binding of every user should be in sync.
    let owedAfter = 0;
    /** Of those, bindings whose last push ended `hold-expired` (already counted among the hold-expired outcomes). */
    let owedAfterHoldExpired = 0;
    const owedAt: Record<string, number> = {};
    const directories = await loadDirectories(store, [GOOGLE, M365])();
    if (E.isLeft(directories)) throw new Error(`login-storm: cannot read the directories (${directories.left._tag})`);
    await inBatches(ids, 64, async (u) => {
      const loaded = await loadUser(store, u)();
      if (E.isLeft(loaded)) throw new Error(`login-storm: cannot read ${u} (${loaded.left._tag})`);
      for (const b of syncStatus(loaded.right.state, directories.right)) {
        if (b.state === 'in-sync') continue;
        owedAfter++;
        owedAt[b.directoryId] = (owedAt[b.directoryId] ?? 0) + 1;
        if (b.lastFailure?.code === 'hold-expired') owedAfterHoldExpired++;
      }
    });

    // What the directories hold: the latest password (SECOND for the twice users, FIRST otherwise).
    const { notLatest, olderWins } = await directoriesProcess.passwords(
      ids.flatMap((_, i) => (i % TWICE_EVERY === 0 ? [i] : [])),
      FIRST,
      SECOND,
    );

    // The bound: each directory's backlog ÷ its sustained published rate; the larger of the two, and
    // never below the login window.
    const st = await directoriesProcess.stats(start, WARM_UP_MS);
    // The backlog: what each directory admitted, plus what is still owed there (a lost push is work the quota never got to see).
    const googleRequests = st.google.admitted + (owedAt[GOOGLE] ?? 0);
    const entraRequests = st.entra.admitted + (owedAt[M365] ?? 0);
    const googleRate = sustained(GOOGLE_PER_USER) * quotaFactor;
    const entraRate = Math.min(sustained(ENTRA_APP_TENANT), sustained(ENTRA_TENANT)) * quotaFactor;
    const boundMs = Math.max(windowMs, (googleRequests / googleRate) * 1000, (entraRequests / entraRate) * 1000);
    // Under the emulators' token buckets (full at the start) a client could also spend the burst first.
    const burstBoundMs = Math.max(
      windowMs,
      (Math.max(0, googleRequests - GOOGLE_PER_USER.limit * quotaFactor) / googleRate) * 1000,
      (Math.max(0, entraRequests - ENTRA_APP_TENANT.limit * quotaFactor) / entraRate) * 1000,
    );
    const throttledLate = st.google.throttledAfterWarmUp + st.entra.throttledAfterWarmUp;
    // Lost (issue 13): a push owed at a login that was never sent for that login. Every push the queue
    // reached after its plaintext was dropped (`hold-expired`, even when a later login of the same user
    // sent the password after all), plus every binding still owed once the engine is idle for another
    // reason (a plaintext never held, a push that failed). A hold-expired push still owed is counted once.
    const holdExpired = (m.completed[`${GOOGLE}/hold-expired`] ?? 0) + (m.completed[`${M365}/hold-expired`] ?? 0);
    const lost = holdExpired + owedAfter - owedAfterHoldExpired;
    const ratio = drainMs > 0 ? boundMs / drainMs : 0;

    return {
      scenario: 'login-storm',
      parameters: {
        users,
        issueUsers: ISSUE_USERS,
        fullUsers: FULL_USERS,
        scale: ctx.scale,
        loginWindowMs: windowMs,
        twiceUsers: twice.length,
        quotaFactor,
        googleQuota: `${GOOGLE_PER_USER.limit * quotaFactor}/${GOOGLE_PER_USER.windowSeconds}s per user (sustained ${googleRate}/s)`,
        entraQuota: `${ENTRA_APP_TENANT.limit * quotaFactor}/${ENTRA_APP_TENANT.windowSeconds}s per app+tenant, ${ENTRA_TENANT.limit * quotaFactor}/${ENTRA_TENANT.windowSeconds}s per tenant (sustained ${entraRate}/s)`,
        enginePacing: `google ${googlePacing.ratePerSecond * quotaFactor}/s, ${googlePacing.maxInFlight} in flight; entra ${entraPacing.ratePerSecond * quotaFactor}/s, ${entraPacing.maxInFlight} in flight; catch-up ${googlePacing.catchUpMs ?? CATCH_UP_MS}/${entraPacing.catchUpMs ?? CATCH_UP_MS} ms`,
        pushesInFlightPeak: `google ${googleGauge.peak()}, entra ${entraGauge.peak()}`,
        secondsAtInFlightCap: `google ${googleGauge.atCapSeconds()}, entra ${entraGauge.atCapSeconds()}`,
        googleAdmitted: st.google.admitted,
        entraAdmitted: st.entra.admitted,
        googleBacklog: googleRequests,
        entraBacklog: entraRequests,
        boundSeconds: round(boundMs / 1000, 1),
        burstAwareBoundSeconds: round(burstBoundMs / 1000, 1),
        issueBoundSeconds: round(ISSUE_USERS / sustained(ENTRA_APP_TENANT), 1),
        holdMs: DEFAULT_HOLD_MS,
        maxHoldMs: maxHoldMsOf(),
        store: 'in-memory',
        emulatorScryptN: 16,
        pushOutcomes: Object.entries(m.completed)
          .map(([k, v]) => `${k}=${v}`)
          .sort()
          .join(' '),
        googleDrainSeconds: round(((m.lastByDirectory[GOOGLE] ?? start) - start) / 1000, 1),
        entraDrainSeconds: round(((m.lastByDirectory[M365] ?? start) - start) / 1000, 1),
        googleAchievedPerSecond: round(st.google.admitted / Math.max(0.001, ((m.lastByDirectory[GOOGLE] ?? start) - start) / 1000), 1),
        entraAchievedPerSecond: round(st.entra.admitted / Math.max(0.001, ((m.lastByDirectory[M365] ?? start) - start) / 1000), 1),
        googleServerMsP50P99: `${st.google.serverMsP50}/${st.google.serverMsP99}`,
        entraServerMsP50P99: `${st.entra.serverMsP50}/${st.entra.serverMsP99}`,
        throttledTotal: st.google.throttledTotal + st.entra.throttledTotal,
        emulators: 'child process',
        eventLoopDelayMsP50P99Max: `${round(lag.percentile(50) / 1e6, 1)}/${round(lag.percentile(99) / 1e6, 1)}/${round(lag.max / 1e6, 1)}`,
        loadAverage1mAtStart: round(loadAtStart, 2),
        cpus: cpus().length,
        engineThrottled: m.throttled(),
        engineRetries: m.retried(),
        directoriesWithoutLatestPassword: notLatest,
        holdExpiredPushes: holdExpired,
        bindingsOwedAfterDrain: owedAfter,
      },
      baselineDescription:
        'The bound the published quotas set: max over the two directories of (backlog ÷ its sustained published rate, the backlog being the quota-counted requests the directory admitted during the storm plus the pushes still owed there after it: Google 2,400/60 s = 40/s, Entra min(3,000/150 s, 18,000/300 s) = 20/s), and never less than the login window. The engine paces at 90 % of each quota, so 1.11 × the bound is its design point.',
      figures: [
        {
          name: 'drain time (first login → last push recorded)',
          unit: 's',
          ours: round(drainMs / 1000, 1),
          baseline: round(boundMs / 1000, 1),
          ratio: round(ratio, 3),
          target: round(1 / DRAIN_TARGET, 3),
          targetKind: 'ratio-at-least',
          met: ratio >= 1 / DRAIN_TARGET,
          note: `ratio = bound ÷ drain (higher is better); the issue's target drain ≤ ${DRAIN_TARGET} × bound is ratio ≥ ${round(1 / DRAIN_TARGET, 3)} (the engine's 90 % pacing alone puts the drain at 1.11 × bound). Burst-aware bound (spending the emulators' full token buckets first): ${round(burstBoundMs / 1000, 1)} s. Superseded or hold-expired pushes (pushOutcomes) leave the directory's queue without using a rate slot.`,
        },
        {
          name: 'throttled answers after warm-up (429, Google 403 rate limit)',
          unit: 'count',
          ours: throttledLate,
          target: 0,
          targetKind: 'at-most',
          met: throttledLate === 0,
          note: `after the first ${WARM_UP_MS} ms of the storm`,
        },
        {
          name: 'pushes lost (owed after the drain)',
          unit: 'count',
          ours: lost,
          target: 0,
          targetKind: 'equals',
          met: lost === 0,
          note: `pushes the directory's queue reached after their plaintext was dropped (hold-expired: ${holdExpired}), plus bindings still owed once the engine is idle for another reason (${owedAfter - owedAfterHoldExpired}); ${owedAfter} bindings not in sync after the drain. A push the queue reaches after the 5-minute hold stretches that hold, up to maxHoldMs`,
        },
        {
          name: 'older password wins',
          unit: 'count',
          ours: olderWins,
          target: 0,
          targetKind: 'equals',
          met: olderWins === 0,
          note: `users who changed their password and logged in again, whose directory verifies the first password (checked at both emulators; ${notLatest} directory accounts lack the latest password in all)`,
        },
      ],
      versions: versionsOf([
        '@takeover/engine',
        '@takeover/core',
        '@takeover/directory-emulators',
        '@takeover/connector-google-workspace',
        '@takeover/connector-microsoft-entra',
        '@takeover/event-store',
      ]),
      durationMs: Date.now() - began,
    };
  } finally {
    await engine.close();
    await directoriesProcess.close();
  }
};

export const scenario: Scenario = {
  id: 'login-storm',
  title: 'Login storm: users bound to both directories log in within one minute, at the published quotas',
  run: run5,
};
