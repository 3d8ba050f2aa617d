// The engine in a child process, killed with SIGKILL by crash.int.test.ts while it dispatches.
// argv: schema; env CRASH_EMULATOR: the Google emulator's endpoint and key; CRASH_USERS: user ids.
import pg from 'pg';
import { Secret, commandId, directoryId, isoTime, userId } from '@takeover/core';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import { googleConnectorForEmulator } from '@takeover/connector-google-workspace/testing';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import { createEngine, inMemoryOutbox } from '@takeover/engine';

const main = async (): Promise<void> => {
  const schema = process.argv[2] ?? '';
  const emulator = JSON.parse(process.env.CRASH_EMULATOR ?? '{}') as GoogleEmulator;
  const users = JSON.parse(process.env.CRASH_USERS ?? '[]') as string[];
  const pool = new pg.Pool({
    host: process.env.PGHOST ?? '127.0.0.1',
    user: process.env.PGUSER ?? 'postgres',
    database: process.env.PGDATABASE ?? 'test',
    max: 8,
  });
  const store = await createPostgresEventStore({ pool, schema })();
  if (store._tag === 'Left') throw new Error(store.left.message);
  const engine = createEngine({
    store: store.right,
    connectors: { [directoryId('google')]: googleConnectorForEmulator(emulator, { timeoutMs: 5000 }) },
    mailer: inMemoryOutbox(),
    mail: { platformName: 'Acme Portal', portalUrl: 'https://portal.acme.example' },
    hold: { holdMs: 3000 },
    leaseMs: 4000,
  });
  for (const u of users) {
    const r = await engine.execute({
      type: 'LogIn',
      commandId: commandId(`crash-login-${u}`),
      userId: userId(u),
      at: isoTime(new Date().toISOString()),
      password: Secret.of(process.env.CRASH_PASSWORD ?? ''),
    })();
    process.stdout.write(`${JSON.stringify({ login: u, ok: r._tag === 'Right' })}\n`);
  }
  await engine.idle();
  process.stdout.write(`${JSON.stringify({ idle: true })}\n`);
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : 'error'}\n`);
  process.exit(1);
});
