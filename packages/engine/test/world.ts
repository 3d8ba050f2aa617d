import * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId, UserAttributes, UserCommand, UserId } from '@takeover/core';
import { Secret, commandId, directoryId, externalUserKey, isoTime, userId } from '@takeover/core';
import { setterOf } from '@takeover/core/testing';
import type { ConnectorLogger } from '@takeover/connector-kit';
import { externalUserId } from '@takeover/connector-kit';
import { inMemoryDirectory } from '@takeover/connector-kit/testing';
import type { ConformanceFixture } from '@takeover/connector-kit/testing';
import type { EventStore } from '@takeover/event-store';
import { inMemoryEventStore } from '@takeover/event-store';
import type { Engine, EngineOptions, InMemoryMetrics, InMemoryOutbox } from '@takeover/engine';
import { createEngine, inMemoryMetrics, inMemoryOutbox, loadUser } from '@takeover/engine';
import type { FaultyConnector } from '@takeover/engine/testing';
import { faultyConnector } from '@takeover/engine/testing';

export const GOOGLE = directoryId('google');
export const M365 = directoryId('m365');
export const PASSWORD = 'Correct-Horse-9!battery';
export const OLD_PASSWORD = 'Old-Password-1!';
export const admin = { role: 'admin' as const, id: 'admin-1' };

let n = 0;
const next = (p: string) => commandId(`${p}-${++n}`);
let last = 0;
/**
 * The current time, strictly later than the previous command's: two commands built in one
 * millisecond are two moments, so tests can tell commands apart by their times (the core itself
 * tells a retried command by its id, not its time). It waits for the clock's next millisecond (at most one) rather than running ahead of it: a time
 * ahead of the directories' clocks (a link dated after the password set that followed it) would
 * make R17's "did it land" check answer no.
 */
const now = () => {
  let t = Date.now();
  while (t <= last) t = Date.now();
  last = t;
  return isoTime(new Date(t).toISOString());
};

export interface CapturedLogger extends ConnectorLogger {
  readonly lines: () => ReadonlyArray<string>;
}
export const capturedLogger = (): CapturedLogger => {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), lines: () => [...lines] };
};

export interface World {
  readonly store: EventStore;
  readonly engine: Engine;
  readonly google: ConformanceFixture;
  readonly m365: ConformanceFixture;
  readonly connectors: { readonly google: FaultyConnector; readonly m365: FaultyConnector };
  readonly outbox: InMemoryOutbox;
  readonly metrics: InMemoryMetrics;
  readonly logger: CapturedLogger;
  /** Runs a command, expecting it to be accepted. */
  readonly run: (command: UserCommand) => Promise<void>;
  readonly tryRun: (command: UserCommand) => Promise<E.Either<unknown, unknown>>;
  readonly newEngine: (overrides?: Partial<EngineOptions>) => Engine;
  /** Seeds an account in both directories with OLD_PASSWORD; returns the external ids. */
  readonly seedAccounts: (attrs: UserAttributes) => Promise<{ readonly google: string; readonly m365: string }>;
  readonly pushCalls: () => { readonly google: number; readonly m365: number };
  /** Waits for the engine, then closes the directories (emulators). */
  readonly close: () => Promise<void>;
}

export const ada: UserAttributes = { email: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace' };

export interface Directories {
  readonly google: ConformanceFixture;
  readonly m365: ConformanceFixture;
}

/** The engine over an in-memory store and two directories: in-memory ones by default, or the given fixtures (emulators behind the real connectors). */
export const world = async (overrides: Partial<EngineOptions> = {}, fixtures?: Directories): Promise<World> => {
  const store = overrides.store ?? inMemoryEventStore();
  const google = fixtures?.google ?? inMemoryDirectory({ emailDomain: 'example.com' });
  const m365 = fixtures?.m365 ?? inMemoryDirectory({ emailDomain: 'example.com' });
  const connectors = { google: faultyConnector(google.connector), m365: faultyConnector(m365.connector) };
  const outbox = inMemoryOutbox();
  const metrics = inMemoryMetrics();
  const logger = capturedLogger();
  const newEngine = (more: Partial<EngineOptions> = {}) =>
    createEngine({
      store,
      connectors: { [GOOGLE]: connectors.google, [M365]: connectors.m365 },
      mailer: outbox,
      mail: { platformName: 'Acme Portal', portalUrl: 'https://portal.acme.example' },
      metrics,
      logger,
      pacing: { 'in-memory': { ratePerSecond: 1000, maxInFlight: 8 } },
      retry: { initialDelayMs: 10, maxDelayMs: 100 },
      hold: { holdMs: 20_000 },
      leasePollMs: 50,
      ...overrides,
      ...more,
    });
  const engine = newEngine();
  for (const [id, kind, name, domain] of [
    [GOOGLE, 'google-workspace', 'Google Workspace', 'example.com'],
    [M365, 'microsoft-entra', 'Microsoft 365', 'contoso.com'],
  ] as const) {
    const r = await engine.executeDirectory({
      type: 'ConnectDirectory',
      commandId: next('connect'),
      directoryId: id,
      at: now(),
      kind,
      displayName: name,
      domain,
    })();
    if (E.isLeft(r)) throw new Error(r.left.message);
  }
  const tryRun = (c: UserCommand) => engine.execute(c)();
  const run = async (c: UserCommand) => {
    const r = await tryRun(c);
    if (E.isLeft(r)) throw new Error(`${c.type}: ${r.left.message}`);
  };
  return {
    store,
    engine,
    google,
    m365,
    connectors,
    outbox,
    metrics,
    logger,
    run,
    tryRun,
    newEngine,
    seedAccounts: async (a) => ({
      google: await google.target.seedUser({
        primaryEmail: a.email,
        givenName: a.givenName,
        familyName: a.familyName,
        password: OLD_PASSWORD,
      }),
      m365: await m365.target.seedUser({
        primaryEmail: `${a.email.split('@')[0] ?? ''}@${m365.target.emailDomain}`,
        givenName: a.givenName,
        familyName: a.familyName,
        password: OLD_PASSWORD,
      }),
    }),
    pushCalls: () => ({
      google: connectors.google.calls().filter((c) => c.op === 'push').length,
      m365: connectors.m365.calls().filter((c) => c.op === 'push').length,
    }),
    close: async () => {
      await engine.close();
      await google.close();
      await m365.close();
    },
  };
};

/** Ada, active with PASSWORD, bound to both directories by key (accounts seeded with OLD_PASSWORD), settled. */
export const activeAdaBound = async (
  w: World,
): Promise<{ readonly ext: { readonly google: string; readonly m365: string }; readonly u: UserId }> => {
  const ext = await w.seedAccounts(ada);
  const u = userId('ada');
  await w.run(cmd.createActive(u, ada, PASSWORD));
  await w.run(cmd.bind(u, GOOGLE, ext.google));
  await w.run(cmd.bind(u, M365, ext.m365));
  await w.engine.idle();
  return { ext, u };
};

/** Command builders: fresh ids, the current time (strictly increasing: see `now`). */
export const cmd = {
  createActive: (u: UserId, attributes: UserAttributes, password?: string): UserCommand => ({
    type: 'CreateUser',
    commandId: next('create'),
    userId: u,
    at: now(),
    state: 'active',
    attributes,
    by: admin,
    ...(password === undefined ? {} : { password: Secret.of(password) }),
  }),
  bind: (u: UserId, d: DirectoryId, key?: string, origin: 'admin' | 'import' = 'admin'): UserCommand => ({
    type: 'BindDirectory',
    commandId: next('bind'),
    userId: u,
    at: now(),
    directoryId: d,
    by: admin,
    origin,
    ...(key === undefined ? {} : { externalKey: externalUserKey(key) }),
  }),
  unbind: (u: UserId, d: DirectoryId): UserCommand => ({
    type: 'UnbindDirectory',
    commandId: next('unbind'),
    userId: u,
    at: now(),
    directoryId: d,
    by: admin,
  }),
  logIn: (u: UserId, password = PASSWORD): UserCommand => ({
    type: 'LogIn',
    commandId: next('login'),
    userId: u,
    at: now(),
    password: Secret.of(password),
  }),
  setPassword: (u: UserId, password: string, by: 'user-activation' | 'user-portal' | 'admin'): UserCommand => ({
    type: 'SetPassword',
    commandId: next('setpw'),
    userId: u,
    at: now(),
    password: Secret.of(password),
    by: setterOf(by),
  }),
  change: (u: UserId, changes: Readonly<Record<string, string | null>>): UserCommand => ({
    type: 'ChangeAttributes',
    commandId: next('change'),
    userId: u,
    at: now(),
    changes,
    by: admin,
  }),
  suspend: (u: UserId): UserCommand => ({ type: 'SuspendUser', commandId: next('suspend'), userId: u, at: now(), by: admin }),
};

export const uid = userId;

/** The user's bindings as the store has them. */
export const bindingsOf = async (store: EventStore, u: UserId) => {
  const r = await loadUser(store, u)();
  if (E.isLeft(r) || r.right.state.status === 'absent') throw new Error('no user');
  return r.right.state.bindings;
};

/**
 * The user changes their password in the directory itself (not through the engine), after our push
 * was recorded: not within the same millisecond (the in-memory directory stamps in ms, and a
 * same-instant change is by design not taken for a later one, R16), so the clock is let move on first.
 */
export const changePasswordOutside = async (directory: ConformanceFixture, externalKey: string, password: string): Promise<void> => {
  const after = Date.now();
  while (Date.now() <= after)
    await new Promise((resolve) => {
      setImmediate(resolve);
    });
  const change = directory.target.changePasswordAsUser;
  if (change === undefined) throw new Error('the target cannot change a password as the user');
  await change(externalUserId(externalKey), password);
};
