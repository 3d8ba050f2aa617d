// Scenario 6, login latency: the login command (`engine.execute(LogIn)`: decide on the user's state and
// directories, append with the expected version) on PostgreSQL, against two raw appends of one
// event on the same server and tables: one call to a minimal PL/pgSQL function doing the version guard
// and insert (`raw_append`, one round trip as our store's append is: the ratio's baseline), and the
// client-side transaction (BEGIN; version-guarded UPDATE; INSERT; COMMIT: four round trips, shown next
// to it). Neither reads or decides anything. The engine created the users, so their states are in its
// user cache and a login reads nothing before its append (a stale cache would show as a version
// conflict, then only the new events are read). Logins run one at a time; the directories are in memory and
// each login's pushes are waited for (untimed) before the next, so they do not share the database
// with the measured command. A component figure, "store append p50", times the store's own append of
// one login-shaped event in the same loop, splitting ours into the store's share and the engine's.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import type { UserId } from '@takeover/core';
import { userId } from '@takeover/core';
import { inMemoryDirectory } from '@takeover/connector-kit/testing';
import { createEngine, inMemoryOutbox, userStream } from '@takeover/engine';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import { GOOGLE, M365, MAIL, cmd, connectDirectories, inBatches, quantile, round, run, versionsOf } from '../engine/common.js';
import { CLIENT_TX, createRawAppendFunction, rawFunctionAppend } from '../lib/pg.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';

const FULL_LOGINS = 2_000;
const LOGINS_PER_USER = 5;
const PASSWORD = 'Latency-Password-1!bench';

const run6 = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const logins = ctx.sized(FULL_LOGINS, 100);
  const warmUp = Math.max(20, Math.round(logins / 20));
  const users = Math.max(10, Math.ceil(logins / LOGINS_PER_USER));
  // The engine's user cache holds twice the measured users; the uncached logins cycle through four
  // times as many others, so each of theirs finds its user evicted (least recently used) and reads
  // the stream first, while the measured users, seen every `users` logins, stay cached.
  const cachedUsers = 2 * users;
  const coldUsers = 4 * users;
  const schema = `bench_login_${process.pid}_${Date.now().toString(36)}`;
  const pool = new pg.Pool({ host: ctx.pg.host, user: ctx.pg.user, database: ctx.pg.database, port: ctx.pg.port, max: 4 });
  const google = inMemoryDirectory({ emailDomain: 'example.com' });
  const m365 = inMemoryDirectory({ emailDomain: 'contoso.com' });
  try {
    const created = await createPostgresEventStore({ pool, schema })();
    if (E.isLeft(created)) throw new Error(`login-latency: cannot open the PostgreSQL store (${created.left._tag})`);
    const store = created.right;
    // Counts the user-stream reads, to show which logins read and which did not.
    let userReads = 0;
    const counted: typeof store = {
      ...store,
      readStream: (streamId, options) => {
        if (streamId.startsWith('user-')) userReads += 1;
        return store.readStream(streamId, options);
      },
    };
    const fast = { ratePerSecond: 10_000, maxInFlight: 8 };
    const engine = createEngine({
      store: counted,
      cachedUsers,
      connectors: { [GOOGLE]: google.connector, [M365]: m365.connector },
      mailer: inMemoryOutbox(),
      mail: MAIL,
      pacing: { 'in-memory': fast, 'google-workspace': fast, 'microsoft-entra': fast },
    });
    try {
      await connectDirectories(engine);
      const ids: UserId[] = Array.from({ length: users }, (_, i) => userId(`lat${i}`));
      const coldIds: UserId[] = Array.from({ length: coldUsers }, (_, i) => userId(`cold${i}`));
      ctx.log(
        `login-latency: ${users} users, ${logins} logins (+${warmUp} warm-up), beside each an uncached login of one of ${coldUsers} others; cache of ${cachedUsers}; schema ${schema}`,
      );
      // The uncached users first, so the measured ones are the most recently used when the loop starts.
      await inBatches([...coldIds, ...ids], 4, async (u) => {
        const attrs = { email: `${u}@example.com`, givenName: 'Lat', familyName: u };
        const g = await google.target.seedUser({ primaryEmail: attrs.email, givenName: 'Lat', familyName: u, password: 'Old-Password-1!' });
        const m = await m365.target.seedUser({
          primaryEmail: `${u}@contoso.com`,
          givenName: 'Lat',
          familyName: u,
          password: 'Old-Password-1!',
        });
        await run(engine, cmd.createActive(u, attrs, PASSWORD));
        await run(engine, cmd.bind(u, GOOGLE, g));
        await run(engine, cmd.bind(u, M365, m));
      });
      await engine.idle();

      // The raw baseline's streams: one row each, like the store's own `streams` table.
      const q = `"${schema}"`;
      const rawVersions = new Map<string, number>();
      for (let i = 0; i < users; i++) rawVersions.set(`raw-${i}`, -1);
      const rawAppend = async (stream: string) => {
        const v = rawVersions.get(stream) ?? -1;
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const guard =
            v < 0
              ? await client.query({
                  name: 'lat_new',
                  text: `INSERT INTO ${q}.streams (stream_id, version) VALUES ($1, 0)`,
                  values: [stream],
                })
              : await client.query({
                  name: 'lat_guard',
                  text: `UPDATE ${q}.streams SET version = version + 1 WHERE stream_id = $1 AND version = $2`,
                  values: [stream, v],
                });
          if (guard.rowCount !== 1) throw new Error(`login-latency: raw version guard failed on ${stream}`);
          await client.query({
            name: 'lat_insert',
            text: `INSERT INTO ${q}.events (stream_id, revision, event_id, type, data, metadata) VALUES ($1, $2, $3, 'PortalLogin', $4, '{}')`,
            values: [stream, v + 1, randomUUID(), JSON.stringify({ userId: stream, at: new Date().toISOString() })],
          });
          await client.query('COMMIT');
          rawVersions.set(stream, v + 1);
        } catch (e) {
          await client.query('ROLLBACK');
          throw e;
        } finally {
          client.release();
        }
      };

      await createRawAppendFunction(pool, schema);
      const fnVersions = new Map<string, number>();
      const fnAppend = async (stream: string) => {
        fnVersions.set(
          stream,
          await rawFunctionAppend(pool, schema, stream, fnVersions.get(stream) ?? -1, { userId: stream, at: new Date().toISOString() }),
        );
      };

      // The store's share of a login: one event shaped like a login's (its data and metadata), appended
      // through the adapter with the expected version, on streams of its own. Shown as a component.
      const storeVersions = new Map<string, number>();
      const storeAppend = async (stream: string, i: number) => {
        const v = storeVersions.get(stream) ?? -1;
        const command = `login-${stream}-${i}`;
        const r = await store.appendToStream(
          stream,
          [
            {
              id: `${command}#0`,
              type: 'PortalLogin',
              data: { userId: stream, at: new Date().toISOString() },
              metadata: { eventId: `${command}#0`, schemaVersion: 1, causationId: command },
            },
          ],
          { expectedVersion: v < 0 ? 'no-stream' : v },
        )();
        if (E.isLeft(r)) throw new Error(`login-latency: store append on ${stream} failed (${r.left._tag})`);
        storeVersions.set(stream, r.right.nextExpectedVersion);
      };

      // Interleaved, one at a time: ours, the client transaction, the function, the store's append, on the i-th user / raw stream.
      const ours: number[] = [];
      const raw: number[] = [];
      const fn: number[] = [];
      const appends: number[] = [];
      const uncached: number[] = [];
      let oursReads = 0;
      let uncachedReads = 0;
      /** One login, timed, with the user-stream reads it made; its pushes (in memory) finish, untimed, before the next measurement. */
      const timedLogin = async (u: UserId): Promise<{ readonly ms: number; readonly reads: number }> => {
        const readsBefore = userReads;
        const t0 = process.hrtime.bigint();
        await run(engine, cmd.logIn(u, PASSWORD));
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const reads = userReads - readsBefore;
        await engine.whenSettled(u);
        return { ms, reads };
      };
      for (let i = 0; i < warmUp + logins; i++) {
        const cached = await timedLogin(ids[i % users] as UserId);
        const cold = await timedLogin(coldIds[i % coldUsers] as UserId);
        const t2 = process.hrtime.bigint();
        await rawAppend(`raw-${i % users}`);
        const t3 = process.hrtime.bigint();
        await fnAppend(`fn-${i % users}`);
        const t4 = process.hrtime.bigint();
        await storeAppend(`store-${i % users}`, i);
        const t5 = process.hrtime.bigint();
        if (i > 0 && i % 1000 === 0) ctx.log(`login-latency: ${i} of ${warmUp + logins} logins`);
        if (i >= warmUp) {
          ours.push(cached.ms);
          raw.push(Number(t3 - t2) / 1e6);
          fn.push(Number(t4 - t3) / 1e6);
          appends.push(Number(t5 - t4) / 1e6);
          uncached.push(cold.ms);
          oursReads += cached.reads;
          uncachedReads += cold.reads;
        }
      }
      const [op50, op99, rp50, rp99, fp50, fp99] = [
        quantile(ours, 0.5),
        quantile(ours, 0.99),
        quantile(raw, 0.5),
        quantile(raw, 0.99),
        quantile(fn, 0.5),
        quantile(fn, 0.99),
      ];
      const sp50 = quantile(appends, 0.5);
      const up50 = quantile(uncached, 0.5);
      const ratio99 = fp99 / op99;
      const ratio50 = fp50 / op50;
      const first = await store.readStream(userStream(ids[0] as UserId))();
      const streamLength = E.isRight(first) ? first.right.length : -1;
      return {
        scenario: 'login-latency',
        parameters: {
          logins,
          warmUp,
          users,
          cachedUsers,
          uncachedUsers: coldUsers,
          userReadsPerLogin: round(oursReads / logins, 3),
          userReadsPerUncachedLogin: round(uncachedReads / logins, 3),
          loginsPerUser: round((warmUp + logins) / users, 1),
          userStreamEventsAtEnd: streamLength,
          store: 'PostgreSQL (one schema, pool of 4)',
          directories: 'in-memory (connector-kit), pushes awaited untimed between logins',
          concurrency: 1,
        },
        baselineDescription: `Baseline (the ratio's): one append per login as one call of raw_append, a minimal PL/pgSQL function on the same server and tables doing the version guard (UPDATE streams SET version = version + 1 WHERE stream_id = $1 AND version = $2) and the INSERT: one round trip, prepared. Shown next to it as "${CLIENT_TX}": the same append as a client-side transaction, BEGIN; UPDATE …; INSERT the event; COMMIT (prepared statements, pooled client). Neither reads or decides. Ours: engine.execute(LogIn) on the engine that created the users: their states come from its user cache and the directories from its directory cache (no read), decide, append with the expected version (one round trip), fold the appended event. Beside each measured login, untimed in the ratio, a login of a user the cache no longer holds (figure "login p50, user not cached"): it reads the user's stream first (parameters: user-stream reads per login of each kind).`,
        figures: [
          {
            name: 'login p50',
            unit: 'ms',
            ours: round(op50, 3),
            baseline: round(fp50, 3),
            peers: { [CLIENT_TX]: round(rp50, 3) },
            ratio: round(ratio50, 3),
            target: 0.8,
            targetKind: 'ratio-at-least',
            met: ratio50 >= 0.8,
            note: 'ratio = server function ÷ ours (higher is better); issue 13: at least 0.8',
          },
          {
            name: 'login p99',
            unit: 'ms',
            ours: round(op99, 3),
            baseline: round(fp99, 3),
            peers: { [CLIENT_TX]: round(rp99, 3) },
            ratio: round(ratio99, 3),
            target: 0.8,
            targetKind: 'ratio-at-least',
            met: ratio99 >= 0.8,
            note: 'ratio = server function ÷ ours; issue 13: at least 0.8 (p99 at most 1.25 × the baseline)',
          },
          {
            name: 'store append p50',
            unit: 'ms',
            ours: round(sp50, 3),
            baseline: round(fp50, 3),
            ratio: round(fp50 / sp50, 3),
            note: "a component, no target: the store's append of one login-shaped event (appendToStream with the expected version: append_event, one round trip) ÷ the same server function; what login p50 adds beyond it is the engine's decide, fold, hold and scheduling",
          },
          {
            name: 'login p50, user not cached',
            unit: 'ms',
            ours: round(up50, 3),
            baseline: round(fp50, 3),
            ratio: round(fp50 / up50, 3),
            note: "no target: a login whose user the engine's cache (cachedUsers) no longer holds reads the user's stream (one round trip) before it decides and appends; a login storm's users are mostly such, each logging in once",
          },
        ],
        versions: versionsOf(['@takeover/engine', '@takeover/core', '@takeover/event-store-postgres', 'pg']),
        durationMs: Date.now() - began,
      };
    } finally {
      await engine.close();
      await store.close();
    }
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    await google.close();
    await m365.close();
  }
};

export const scenario: Scenario = {
  id: 'login-latency',
  title: 'Login latency: the login command on PostgreSQL vs one raw append (server function; client transaction)',
  run: run6,
};
