// One engine instance of the shared-quota scenario, in its own process (as a host instance is):
// started with `fork` by bench/scenarios/shared-quota.ts. Opens the PostgreSQL store and the shared
// quota budget on the scenario's schema, builds the real connectors to the emulators, logs its users
// in at their times, waits until its pushes are done, and reports what it pushed.
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { userId } from '@takeover/core';
import type { EngineMetrics } from '@takeover/engine';
import { createEngine, inMemoryOutbox } from '@takeover/engine';
import { createPostgresEventStore, createPostgresQuotaBudget } from '@takeover/event-store-postgres';
import { GOOGLE, M365, MAIL, cmd, run, sleep } from './common.js';
import { Go, RunRequest, SHARED_QUOTA_PASSWORD } from './sharedQuotaProtocol.js';
import { connectorsFor } from './stormDirectories.js';

const send = (message: unknown): void => {
  if (process.send === undefined) throw new Error('sharedQuotaChild: run me with fork (IPC)');
  process.send(message);
};

const main = async (request: RunRequest): Promise<void> => {
  const pool = new pg.Pool({ ...request.pg, max: 6 });
  const store = await createPostgresEventStore({ pool, schema: request.schema })();
  const budget = await createPostgresQuotaBudget({ pool, schema: request.schema })();
  if (E.isLeft(store) || E.isLeft(budget)) throw new Error('sharedQuotaChild: PostgreSQL unavailable');
  const completed: Record<string, number> = {};
  let lastPushAt = 0;
  const lastByDirectory: Record<string, number> = {};
  let throttled = 0;
  // Per directory: when its queue here last became empty (undefined while not empty), and the empty time until the last push.
  const emptySince: Record<string, number | undefined> = {};
  const emptyMs: Record<string, number> = {};
  const emptyAtLastPush: Record<string, number> = {};
  let startedAt = Number.POSITIVE_INFINITY;
  const emptyUntil = (d: string, now: number): number => {
    const since = emptySince[d];
    return (emptyMs[d] ?? 0) + (since === undefined ? 0 : now - Math.max(since, startedAt));
  };
  const reserveMs: number[] = [];
  const metrics: EngineMetrics = {
    pushCompleted: (d, outcome) => {
      completed[`${d}/${outcome}`] = (completed[`${d}/${outcome}`] ?? 0) + 1;
      if (outcome === 'succeeded') {
        lastPushAt = Date.now();
        lastByDirectory[d] = lastPushAt;
        emptyAtLastPush[d] = emptyUntil(d, lastPushAt);
      }
    },
    queueDepth: (d, depth) => {
      const now = Date.now();
      if (depth === 0 && emptySince[d] === undefined) emptySince[d] = now;
      if (depth > 0 && emptySince[d] !== undefined) {
        emptyMs[d] = emptyUntil(d, now);
        emptySince[d] = undefined;
      }
    },
    throttled: () => {
      throttled++;
    },
    retried: () => undefined,
  };
  const shared = budget.right;
  const timedBudget = {
    ...shared,
    reserve: async (...args: Parameters<typeof shared.reserve>) => {
      const t0 = performance.now();
      try {
        return await shared.reserve(...args);
      } finally {
        reserveMs.push(performance.now() - t0);
      }
    },
  };
  const { google, entra } = connectorsFor(request.ready);
  const engine = createEngine({
    store: store.right,
    budget: timedBudget,
    instanceId: request.instance,
    connectors: { [GOOGLE]: google, [M365]: entra },
    mailer: inMemoryOutbox(),
    mail: MAIL,
    metrics,
    pacing: { 'google-workspace': request.pacing.google, 'microsoft-entra': request.pacing.entra },
  });
  try {
    const go = new Promise<number>((resolve, reject) => {
      process.once('message', (raw: unknown) => {
        const decoded = Go.decode(raw);
        if (E.isLeft(decoded)) reject(new Error('sharedQuotaChild: expected the go message'));
        else resolve(decoded.right.startAt);
      });
    });
    send({ type: 'ready' });
    const startAt = await go;
    startedAt = startAt;
    await sleep(Math.max(0, startAt - Date.now()));
    await Promise.all(
      request.logins.map(async ({ user, offsetMs, commandId }) => {
        await sleep(Math.max(0, startAt + offsetMs - Date.now()));
        // The command's time is the one planned, so the same command sent to two instances is the same on both.
        const at = new Date(startAt + offsetMs).toISOString();
        await run(engine, cmd.logIn(userId(user), SHARED_QUOTA_PASSWORD, { commandId, at }));
      }),
    );
    const loginsDoneAt = Date.now();
    await engine.idle();
    const queueEmptySeconds = Object.fromEntries(Object.entries(emptyAtLastPush).map(([d, ms]) => [d, Math.round(ms / 100) / 10]));
    send({ type: 'done', completed, lastPushAt, lastByDirectory, throttled, loginsDoneAt, queueEmptySeconds, reserveMs });
  } finally {
    await engine.close();
    await budget.right.close();
    await store.right.close();
    await pool.end();
  }
};

process.once('message', (raw: unknown) => {
  const request = RunRequest.decode(raw);
  if (E.isLeft(request)) {
    send({ type: 'error', message: 'sharedQuotaChild: the first message must be the run request' });
    return;
  }
  main(request.right)
    .catch((e: unknown) => {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    })
    .finally(() => {
      process.disconnect();
    });
});
