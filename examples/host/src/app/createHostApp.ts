// Builds the whole host from its configuration: host database, event store, directories (emulated
// or real), mail, engine, read models, metrics and the admin account; then the three services.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { Secret, commandId, defaultPlatformPasswordPolicy, isoTime } from '@takeover/core';
import type { EngineOptions } from '@takeover/engine';
import { createEngine } from '@takeover/engine';
import type { EntraEmulator, GoogleEmulator } from '@takeover/directory-emulators';
import type { HostConfig } from '../config.js';
import type { HostDb } from '../db/hostDb.js';
import { DEFAULT_SCRYPT_COST, hashPassword } from '../db/passwords.js';
import type { ScryptCost } from '../db/passwords.js';
import { openPostgresHostDb } from '../db/postgresHostDb.js';
import { openSqliteHostDb } from '../db/sqliteHostDb.js';
import { DEFAULT_THROTTLE, loginThrottle } from '../db/throttle.js';
import { openJobStore } from '../db/jobStore.js';
import type { ThrottleLimits } from '../db/throttle.js';
import { googleDirectory, microsoftDirectory } from '../wiring/directories.js';
import type { DirectorySetup } from '../wiring/directories.js';
import { startDemoEmulators } from '../wiring/emulators.js';
import type { DemoEmulators } from '../wiring/emulators.js';
import { connectorLogger, createLogger } from '../wiring/logger.js';
import { hostMail } from '../wiring/mail.js';
import { createMetrics } from '../wiring/metrics.js';
import { openStore } from '../wiring/store.js';
import { adminService } from './admin.js';
import type { AppContext, ReadSide } from './context.js';
import { caughtUp } from './context.js';
import { demoService } from './demo.js';
import type { HostApp, Readiness } from './hostApp.js';
import { portalService } from './portal.js';
import { deviceTokens } from './devices.js';
import { reconcileCredentials } from './pendingChange.js';
import { reconcileReservations, RESERVATION_GRACE_MS } from './reconcile.js';
import type { TestHooks } from './testHooks.js';
import { ACTIVATION_VALID_FOR, activationTokens } from './tokens.js';
import { openReadModels } from '../wiring/readModels.js';
import { jobRunner } from './jobs.js';

export interface HostAppOptions {
  /** pino's destination (tests capture the logs); default stdout. */
  readonly logStream?: NodeJS.WritableStream;
  /** Running emulators to use instead of starting the demo pair (two hosts sharing one pair); not closed or persisted by this host. */
  readonly emulators?: { readonly google?: GoogleEmulator; readonly microsoft?: EntraEmulator };
  /** Platform password hashing cost; tests pass `TEST_SCRYPT_COST`. Default `DEFAULT_SCRYPT_COST`. */
  readonly scrypt?: ScryptCost;
  /** The emulators' verifier cost (default 4096; tests use 1024). */
  readonly emulatorScryptN?: number;
  readonly throttle?: ThrottleLimits;
  /** Engine tuning for tests (retries, hold, lease, auth pause). */
  readonly engine?: Pick<EngineOptions, 'retry' | 'hold' | 'leaseMs' | 'authPauseMs' | 'backgroundWindowMs' | 'leasePollMs'>;
  /** Points where a test stops the host at an exact step (testHooks.ts); none by default. */
  readonly testHooks?: TestHooks;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });
const randomSecret = () => randomBytes(32).toString('base64url');

const openDb = async (config: HostConfig): Promise<{ readonly db: HostDb; readonly backend: Parameters<typeof loginThrottle>[0] }> => {
  if (config.database.kind === 'sqlite') {
    const db = openSqliteHostDb(config.database.path);
    return { db, backend: { kind: 'sqlite', database: db.database } };
  }
  const db = await openPostgresHostDb(config.database.url, config.database.schema);
  return { db, backend: { kind: 'postgres', pool: db.pool, schema: db.schema } };
};

/** Starts the demo emulators the configuration needs, unless running ones were passed in. */
const emulatorsFor = async (
  config: HostConfig,
  options: HostAppOptions,
): Promise<{ readonly google?: GoogleEmulator; readonly microsoft?: EntraEmulator; readonly owned?: DemoEmulators }> => {
  const needGoogle = config.google.mode === 'emulator' && options.emulators?.google === undefined;
  const needMicrosoft = config.microsoft.mode === 'emulator' && options.emulators?.microsoft === undefined;
  const owned =
    needGoogle || needMicrosoft
      ? await startDemoEmulators({
          dir: join(config.dataDir, 'emulators'),
          google: needGoogle,
          microsoft: needMicrosoft,
          ...(options.emulatorScryptN === undefined ? {} : { scryptN: options.emulatorScryptN }),
        })
      : undefined;
  const google = config.google.mode === 'emulator' ? (options.emulators?.google ?? owned?.google) : undefined;
  const microsoft = config.microsoft.mode === 'emulator' ? (options.emulators?.microsoft ?? owned?.microsoft) : undefined;
  return {
    ...(google === undefined ? {} : { google }),
    ...(microsoft === undefined ? {} : { microsoft }),
    ...(owned === undefined ? {} : { owned }),
  };
};

/** The value of a settled promise, or its reason thrown (the first failure, once every branch has settled). */
const settledValue = <A>(r: PromiseSettledResult<A>): A => {
  if (r.status === 'rejected') throw r.reason instanceof Error ? r.reason : new Error(String(r.reason));
  return r.value;
};

/** Builds and starts the host. Throws (with a message naming what failed) when a part cannot start. */
export const createHostApp = async (config: HostConfig, options: HostAppOptions = {}): Promise<HostApp> => {
  const logger = createLogger(config.logLevel, options.logStream);
  const cleanup: Array<() => Promise<void>> = [];
  const undo = async () => {
    for (const f of cleanup.reverse()) await f().catch(() => undefined);
  };
  // Where a start spends its time, step by step (HostApp.startupMs; main.ts logs it with the module loading).
  const startupMs: Record<string, number> = {};
  let stepStarted = performance.now();
  const step = (name: string): void => {
    const now = performance.now();
    startupMs[name] = Math.round(now - stepStarted);
    stepStarted = now;
  };
  try {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    // The demo emulators do not depend on the databases: they start while the host database and then
    // the event store open, so the databases' round trips overlap the emulators' work. (The two
    // databases open one after the other: on PostgreSQL both create the schema when it is missing,
    // and two concurrent CREATE SCHEMA IF NOT EXISTS collide.) Each branch registers what it opened
    // for `undo` as it goes, and both are settled before a failure is thrown, so nothing opened is
    // left behind. Their `startupMs` each count from here.
    const opening = performance.now();
    const timed = async <A>(name: string, run: () => Promise<A>): Promise<A> => {
      const a = await run();
      startupMs[name] = Math.round(performance.now() - opening);
      return a;
    };
    const [databasesSettled, emulatorsSettled] = await Promise.allSettled([
      (async () => {
        const host = await timed('hostDb', async () => {
          const { db, backend } = await openDb(config);
          cleanup.push(() => db.close());
          const throttle = await loginThrottle(backend, options.throttle ?? DEFAULT_THROTTLE);
          const jobs = jobRunner(await openJobStore(backend), logger.child({ component: 'jobs' }), {
            instanceId: config.instanceId,
            ...(options.testHooks?.jobItem === undefined ? {} : { beforeItem: options.testHooks.jobItem }),
          });
          cleanup.push(() => jobs.close());
          const cookieSecret = await db.secret('cookie-secret', randomSecret);
          const activation = activationTokens(await db.secret('activation-key', randomSecret));
          const devices = deviceTokens(await db.secret('device-key', randomSecret));
          return { db, backend, throttle, jobs, cookieSecret, activation, devices };
        });
        const store = await timed('eventStore', async () => {
          const s = await openStore(config.store);
          cleanup.push(() => s.close());
          return s;
        });
        return { host, store };
      })(),
      timed('emulators', async () => {
        const started = await emulatorsFor(config, options);
        if (started.owned !== undefined) cleanup.push(started.owned.close);
        return started;
      }),
    ]);
    const { host, store: opened } = settledValue(databasesSettled);
    const { db, backend, throttle, jobs, cookieSecret, activation, devices } = host;
    const emulators = settledValue(emulatorsSettled);
    stepStarted = performance.now();

    const persisted = await openReadModels(opened, config, backend.kind === 'postgres' ? backend.pool : undefined, {
      // A failing batch is rolled back and retried (never skipped); the log and /readyz say which projection and why.
      onError: (f) => logger.error({ projection: f.name, attempts: f.attempts, cause: f.error }, 'read model projection failed; retrying'),
    });
    cleanup.push(() => persisted.close());
    step('readModels');

    const engineLog = connectorLogger(logger.child({ component: 'engine' }));
    const directories: ReadonlyArray<DirectorySetup> = [
      googleDirectory(config.google, emulators.google, connectorLogger(logger.child({ component: 'google' }))),
      microsoftDirectory(config.microsoft, emulators.microsoft, connectorLogger(logger.child({ component: 'microsoft' }))),
    ];
    const mail = await hostMail(config.mail, config.mailFrom, opened.store);
    cleanup.push(mail.close);
    const metrics = createMetrics();
    const platformPolicy = defaultPlatformPasswordPolicy;
    const engine = createEngine({
      store: opened.store,
      ...(opened.budget === undefined ? {} : { budget: opened.budget }),
      instanceId: config.instanceId,
      ...(config.externalChangeSweepSeconds === 0 ? {} : { externalChangeSweep: { intervalMs: config.externalChangeSweepSeconds * 1000 } }),
      connectors: Object.fromEntries(directories.map((d) => [d.id, d.connector])),
      mailer: mail.mailer,
      mail: {
        platformName: config.platformName,
        portalUrl: `${config.publicUrl}/portal`,
        activationLinkValidFor: ACTIVATION_VALID_FOR,
        activationUrl: ({ userId }) => `${config.publicUrl}/portal/activate?token=${encodeURIComponent(activation.mint(userId))}`,
      },
      metrics: metrics.engine,
      logger: engineLog,
      platform: { name: config.platformName, passwordPolicy: platformPolicy },
      // settleAll at start visits the users the persisted list marks as owing work, not every stream.
      owedWork: persisted.users,
      // The sweep's cursors and its lookup of the accounts' users, in the read models' tables (nothing rebuilt in memory).
      sweepCursors: persisted.sweepCursors,
      linkedAccounts: persisted.users,
      ...options.engine,
    });
    cleanup.push(() => engine.close());

    // Connect both directories once (a restart finds them connected and changes nothing).
    for (const d of directories) {
      const connected = await engine.executeDirectory({
        type: 'ConnectDirectory',
        commandId: commandId(`connect/${d.id}`),
        directoryId: d.id,
        at: isoTime(new Date().toISOString()),
        kind: d.kind,
        displayName: d.displayName,
        domain: d.domain,
      })();
      if (E.isLeft(connected) && !(connected.left._tag === 'Rejected' && connected.left.error._tag === 'DirectoryAlreadyConnected')) {
        throw new Error(`cannot connect the directory ${d.id}: ${connected.left.message}`);
      }
    }

    step('engine');

    const readSide: ReadSide = {
      audit: persisted.audit,
      notifications: persisted.notifications,
      why: persisted.why,
      health: persisted.health,
      users: persisted.users,
      projections: persisted.running,
    };

    let closing = false;
    metrics.countExternalChangesFrom(async () => {
      await caughtUp(ctx);
      return persisted.users.rollout();
    });
    const ctx: AppContext = {
      config,
      store: opened.store,
      engine,
      db,
      throttle,
      directories,
      read: readSide,
      jobs,
      activation,
      devices,
      scrypt: options.scrypt ?? DEFAULT_SCRYPT_COST,
      platformPolicy,
      logger,
      now: () => new Date(),
      closing: () => closing,
      testHooks: options.testHooks ?? {},
    };

    // The admin account: a generated password at the very first start, handed back once, never logged.
    let firstStart: HostApp['firstStart'];
    if ((await db.adminHash(config.adminEmail)) === undefined) {
      const password = Secret.of(randomBytes(18).toString('base64url'));
      if (await db.createAdmin(config.adminEmail, await hashPassword(password, ctx.scrypt)))
        firstStart = { adminEmail: config.adminEmail, adminPassword: password };
    }

    // Reservations a crash left between reserving an email and creating its user (issue 17 #5), and
    // password changes it left between the hash and `SetPassword` (#3). On SQLite this is the only
    // process, so every hold is a dead one's; on PostgreSQL only lapsed holds are settled.
    await reconcileReservations(ctx, db.kind === 'sqlite' ? 0 : RESERVATION_GRACE_MS);
    await reconcileCredentials(ctx, { breakHolds: db.kind === 'sqlite' });
    const reconciling = setInterval(() => {
      void reconcileReservations(ctx, RESERVATION_GRACE_MS).catch((e: unknown) =>
        logger.warn({ err: { type: (e as Error).name } }, 'reconciling email reservations failed'),
      );
      void reconcileCredentials(ctx, { breakHolds: false }).catch((e: unknown) =>
        logger.warn({ err: { type: (e as Error).name } }, 'settling unfinished password changes failed'),
      );
      void jobs.resumeOrphans().catch((e: unknown) => logger.warn({ err: { type: (e as Error).name } }, 'resuming jobs failed'));
    }, RESERVATION_GRACE_MS);
    reconciling.unref();
    cleanup.push(() => {
      clearInterval(reconciling);
      return Promise.resolve();
    });

    step('reconcile');
    await caughtUp(ctx, 30_000);
    step('catchUp');
    // What a stopped instance left owed and needs no plaintext: carried out in the background.
    const settling = engine.settleAll().then(
      (n) => logger.info({ users: n }, 'settled the users found in the store'),
      (e: unknown) => logger.error({ err: { type: (e as Error).name } }, 'settling users at start failed'),
    );

    // The outbox shows activation links: a demo convenience, only while nothing real is configured.
    const outbox = mail.captured && directories.every((d) => d.mode === 'emulator');
    const demo =
      emulators.google !== undefined || emulators.microsoft !== undefined || mail.captured
        ? demoService(
            ctx,
            {
              ...(emulators.google === undefined ? {} : { google: emulators.google }),
              ...(emulators.microsoft === undefined ? {} : { microsoft: emulators.microsoft }),
            },
            outbox,
          )
        : undefined;
    if (outbox)
      logger.warn(
        { paths: ['/mail', '/demo/mail'] },
        'demo mode: mail is captured in the outbox and shown to the admin at /mail (activation links included); set SMTP_URL to send real mail',
      );
    else if (mail.captured)
      logger.warn(
        'mail is captured but not shown (a real directory is configured): set SMTP_URL, or no user will receive an activation link',
      );

    logger.info(
      {
        store: opened.description,
        readModels: persisted.description,
        database: db.kind,
        mail: config.mail.kind,
        directories: directories.map((d) => ({ id: d.id, mode: d.mode, domain: d.domain, endpoint: d.endpoint })),
      },
      'host started',
    );

    const ready = async (): Promise<Readiness> => {
      const checks: Array<{ name: string; ok: boolean; detail?: string }> = [];
      const storeRead = await opened.store
        .readAll({ maxCount: 1 })()
        .catch(() => E.left({ _tag: 'StoreUnavailable' as const }));
      checks.push(
        E.isRight(storeRead) ? { name: 'event-store', ok: true } : { name: 'event-store', ok: false, detail: storeRead.left._tag },
      );
      checks.push(
        await db.ping().then(
          () => ({ name: 'host-db', ok: true }),
          (e: unknown) => ({ name: 'host-db', ok: false, detail: (e as Error).name }),
        ),
      );
      const failing = persisted.running.failing();
      const current = failing.length === 0 && (await caughtUp(ctx, 1_000));
      checks.push(
        current
          ? { name: 'read-models', ok: true }
          : {
              name: 'read-models',
              ok: false,
              detail: failing.length === 0 ? 'catching up' : `failing: ${failing.map((f) => f.name).join(', ')} (see the log)`,
            },
      );
      if (closing) checks.push({ name: 'shutdown', ok: false, detail: 'shutting down' });
      const pausedDirectories = engine.directoryProblems().map((p) => ({ id: p.directoryId, reason: p.reason, checks: p.checks }));
      return { ready: checks.every((c) => c.ok), checks, pausedDirectories };
    };

    let closed: Promise<void> | undefined;
    const close = (deadlineMs = config.shutdownDeadlineMs): Promise<void> => {
      closed ??= (async () => {
        closing = true;
        clearInterval(reconciling);
        logger.info({ deadlineMs }, 'shutting down');
        await jobs.close().catch(() => undefined);
        await persisted.close().catch(() => undefined);
        // The engine stops at the deadline too: calls still waiting for a slot are not sent (their work
        // stays owed), so nothing of it asks the stores closed below.
        const engineClosed = engine.close({ deadlineMs });
        const finished = await Promise.race([Promise.all([settling, engineClosed]).then(() => true), sleep(deadlineMs).then(() => false)]);
        if (!finished) {
          logger.warn(
            { deadlineMs },
            'pushes still in flight at the shutdown deadline; they are owed and run after the next login or start',
          );
          await engineClosed;
        }
        await emulators.owned
          ?.close()
          .catch((e: unknown) => logger.error({ err: { type: (e as Error).name } }, 'closing the emulators failed'));
        await mail.close().catch(() => undefined);
        await opened.close().catch(() => undefined);
        await db.close().catch(() => undefined);
        logger.info('stopped');
        logger.flush();
      })();
      return closed;
    };

    // The services register their job kinds; then jobs a stopped instance left are resumed.
    const admin = adminService(ctx, mail.mailer);
    const resumed = await jobs.resumeOrphans({ breakHolds: db.kind === 'sqlite' });
    if (resumed > 0) logger.info({ jobs: resumed }, 'resumed unfinished jobs');
    step('services');

    return {
      settings: {
        platformName: config.platformName,
        publicUrl: config.publicUrl,
        port: config.port,
        host: config.host,
        cookieSecret,
        demo: demo !== undefined,
      },
      admin,
      portal: portalService(ctx),
      demo,
      logger,
      metrics: metrics.registry,
      ready,
      firstStart,
      startupMs,
      close,
    };
  } catch (e) {
    logger.error({ err: { type: (e as Error).name, message: (e as Error).message } }, 'the host could not start');
    await undo();
    throw e;
  }
};
