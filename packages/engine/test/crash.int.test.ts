// SIGKILL mid-dispatch: a child process runs the engine on PostgreSQL against the Google emulator
// (answering slowly) and is killed once some pushes are recorded. Afterwards nothing is recorded as
// succeeded that did not happen, the rest stays owed, and the next logins push it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import * as E from 'fp-ts/lib/Either.js';
import { isoTime, owed, userId } from '@takeover/core';
import type { UserId } from '@takeover/core';
import { startGoogleEmulator } from '@takeover/directory-emulators';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import { googleConnectorForEmulator, googleTarget } from '@takeover/connector-google-workspace/testing';
import { inMemoryDirectory } from '@takeover/connector-kit/testing';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import type { PostgresEventStore } from '@takeover/event-store-postgres';
import { loadDirectories, loadUser } from '@takeover/engine';
import { GOOGLE, PASSWORD, cmd, world } from './world.js';

const schema = `crash_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const pool = new pg.Pool({
  host: process.env.PGHOST ?? '127.0.0.1',
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
  max: 8,
});
let store: PostgresEventStore;
let emulator: GoogleEmulator;

beforeAll(async () => {
  const s = await createPostgresEventStore({ pool, schema })();
  if (s._tag === 'Left') throw new Error(`PostgreSQL unavailable (${s.left.message}): set PGHOST/PGUSER/PGDATABASE`);
  store = s.right;
  emulator = await startGoogleEmulator({ scryptN: 1024 });
});
afterAll(async () => {
  await store.close();
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
  await emulator.close();
});

const succeededCount = async (): Promise<number> => {
  const r = await pool
    .query(`SELECT count(*)::int AS n FROM "${schema}".events WHERE type = 'PushSucceeded'`)
    .catch(() => ({ rows: [{ n: 0 }] }));
  return (r.rows[0] as { n: number }).n;
};

const runAndKill = (users: ReadonlyArray<string>): Promise<void> =>
  new Promise((resolve, reject) => {
    const endpoint = {
      url: emulator.url,
      tokenUrl: emulator.tokenUrl,
      credentials: emulator.credentials,
      adminEmail: emulator.adminEmail,
      domains: emulator.domains,
    };
    const child = spawn(
      process.execPath,
      ['--conditions=takeover-source', '--import', 'tsx', join(__dirname, 'crash', 'child.ts'), schema],
      {
        cwd: __dirname,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CRASH_EMULATOR: JSON.stringify(endpoint), CRASH_USERS: JSON.stringify(users), CRASH_PASSWORD: PASSWORD },
      },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const watch = setInterval(() => {
      void succeededCount().then((n) => {
        if (n >= 3) {
          clearInterval(watch);
          child.kill('SIGKILL');
        }
      });
    }, 20);
    // No 'exit' may follow an 'error' (a child that never started): the watch stops here too.
    child.on('error', (e) => {
      clearInterval(watch);
      reject(e);
    });
    child.on('exit', (_code, signal) => {
      clearInterval(watch);
      if (signal === 'SIGKILL' && !stdout.includes('"idle":true')) resolve();
      else reject(new Error(`the child was not killed mid-dispatch (signal ${String(signal)}): ${stderr.slice(0, 500)}`));
    });
  });

test('SIGKILL mid-dispatch: nothing recorded as succeeded that did not happen; owed pushes stay owed and go at the next login', async () => {
  const target = googleTarget(emulator, 5000);
  // The parent prepares the users through its own engine (bound by key to seeded accounts).
  const w = await world(
    { store },
    {
      google: { connector: googleConnectorForEmulator(emulator, { timeoutMs: 5000 }), target, close: () => Promise.resolve() },
      m365: inMemoryDirectory(),
    },
  );
  const users: Array<{ u: UserId; ext: string }> = [];
  for (let i = 0; i < 40; i++) {
    const u = userId(`crash${i}`);
    const attrs = { email: `crash${i}@example.com`, givenName: 'Crash', familyName: `N${i}` };
    const ext = await target.seedUser({
      primaryEmail: attrs.email,
      givenName: attrs.givenName,
      familyName: attrs.familyName,
      password: 'Old-Password-1!',
    });
    await w.run(cmd.createActive(u, attrs, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE, ext));
    users.push({ u, ext });
  }
  await w.engine.idle();

  emulator.injectFault({ path: '/admin/directory/v1/', latencyMs: 250, times: 1000 }); // slow answers: the child is mid-dispatch when killed
  await runAndKill(users.map((x) => x.u));
  emulator.clearFaults();
  await new Promise((r) => setTimeout(r, 500)); // requests the child sent before dying may still land

  let recorded = 0;
  let notRecorded = 0;
  const afterLease = isoTime(new Date(Date.now() + 10_000).toISOString());
  for (const { u, ext } of users) {
    const loaded = await loadUser(store, u)();
    const dirs = await loadDirectories(store, [GOOGLE])();
    if (E.isLeft(loaded) || E.isLeft(dirs) || loaded.right.state.status === 'absent') throw new Error('read');
    const binding = loaded.right.state.bindings[GOOGLE];
    if (binding?.takeoverComplete === true) {
      recorded += 1;
      expect(await target.passwordMatches(ext as never, PASSWORD)).toBe(true); // recorded ⇒ it happened
    } else {
      notRecorded += 1;
      // Still owed once the dead instance's lease has expired: it waits for the next login.
      expect(owed(loaded.right.state, dirs.right, { now: afterLease, leaseMs: 4000 }).pushes.map((p) => p.directoryId)).toEqual([GOOGLE]);
    }
  }
  expect(recorded).toBeGreaterThanOrEqual(3);
  expect(notRecorded).toBeGreaterThan(0);

  // A restarted engine: once the dead lease has expired, the next logins push what is still owed.
  await new Promise((r) => setTimeout(r, 4000));
  const restarted = w.newEngine({ leaseMs: 4000 });
  for (const { u } of users) await restarted.execute(cmd.logIn(u))();
  await restarted.idle();
  for (const { u, ext } of users) {
    const loaded = await loadUser(store, u)();
    if (E.isLeft(loaded) || loaded.right.state.status === 'absent') throw new Error('read');
    expect(loaded.right.state.bindings[GOOGLE]?.takeoverComplete).toBe(true);
    expect(await target.passwordMatches(ext as never, PASSWORD)).toBe(true);
  }
}, 60_000);
