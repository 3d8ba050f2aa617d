import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { DirectoryCommand, DirectoryId, PasswordCheckHooks, PasswordPolicy, UserCommand, UserId } from '@takeover/core';
import { eventIdFor } from '@takeover/core';
import type { ConnectorLogger, DirectoryConnector } from '@takeover/connector-kit';
import { silentLogger } from '@takeover/connector-kit';
import type { Checkpoint, EventStore } from '@takeover/event-store';
import type { ConflictRetries, DirectoryHandled, UserHandled } from './commands.js';
import { DEFAULT_CONFLICT_RETRIES, handleDirectoryCommand, handleUserCommand } from './commands.js';
import type { Deps } from './dispatch/deps.js';
import { commandOptions, recordDirectly } from './dispatch/deps.js';
import { userScheduler } from './dispatch/scheduler.js';
import { settleUser } from './dispatch/settle.js';
import type { SweepReport } from './dispatch/sweep.js';
import { externalChangeSweeps } from './dispatch/sweeps.js';
import type { LinkedAccounts, SweepCursorStore } from './dispatch/sweepState.js';
import { scannedLinkedAccounts, streamSweepCursors } from './dispatch/sweepState.js';
import { directoryCache } from './directoryCache.js';
import { userCache } from './userCache.js';
import type { EngineError } from './errors.js';
import type { HoldOptions, PlaintextHold } from './hold.js';
import { maxHoldMsOf, plaintextHold } from './hold.js';
import type { Mailer } from './mail/mailer.js';
import type { MailSettings } from './mail/templates.js';
import type { EngineMetrics } from './metrics.js';
import { noopMetrics } from './metrics.js';
import type { AuthBreaker } from './pacing/authBreaker.js';
import { authBreaker } from './pacing/authBreaker.js';
import type { AccessGuardOptions, DirectoryAccess, DirectoryAccessProblem } from './pacing/accessGuard.js';
import { directoryAccess } from './pacing/accessGuard.js';
import type { SharedBudget } from './pacing/budget.js';
import { sharedPacer } from './pacing/budget.js';
import type { Pacer } from './pacing/pacer.js';
import { pacer } from './pacing/pacer.js';
import type { PacingOptions } from './pacing/quotas.js';
import { pacingFor } from './pacing/quotas.js';
import type { Clock, IdGenerator } from './ports.js';
import { randomIds, systemClock } from './ports.js';

export interface EngineOptions {
  readonly store: EventStore;
  /** The connector of each directory, by directory id (the host builds them). */
  readonly connectors:
    Readonly<Partial<Record<DirectoryId, DirectoryConnector>>> | ((directoryId: DirectoryId) => DirectoryConnector | undefined);
  readonly mailer: Mailer;
  readonly mail: MailSettings;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly metrics?: EngineMetrics;
  readonly logger?: ConnectorLogger;
  /** The plaintext's window and bound (default 5 minutes, stretched up to 15 minutes for a long queue; 10,000 users). */
  readonly hold?: HoldOptions;
  /** The push lease; must outlast the longest hold window plus one connector call (default `maxHoldMs` + 1 minute). */
  readonly leaseMs?: number;
  /** Per connector kind, overriding the known quotas (`knownQuotas`). */
  readonly pacing?: Readonly<Record<string, PacingOptions>>;
  /**
   * Each directory's request budget shared with the other instances on the same database (e.g.
   * `postgresQuotaBudget` from `@takeover/event-store-postgres`). Default: none, each instance paces
   * its own calls. Give every instance the same `pacing`.
   */
  readonly budget?: SharedBudget;
  readonly retry?: { readonly maxAttempts?: number; readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /**
   * The one conflict-retry policy: when another writer appended to a user's stream between this
   * engine's read and its append, it reads what was appended, decides again and retries, up to
   * `attempts` rounds in all, pausing a random time below a bound that starts at `initialDelayMs`
   * and doubles up to `maxDelayMs` (default 8 rounds, 5 ms, 250 ms). Hosts need no retry loop of their own.
   */
  readonly conflictRetries?: Partial<ConflictRetries>;
  /**
   * How many users' last seen states this engine keeps (least recently used out; default 1,000; 0:
   * none). A command for a cached user reads nothing before deciding: its expected-version append
   * finds out if another writer moved the stream on, and only then are the new events read.
   */
  readonly cachedUsers?: number;
  readonly platform?: { readonly name?: string; readonly passwordPolicy?: PasswordPolicy };
  readonly passwordHooks?: PasswordCheckHooks;
  /** How long background calls (resolve, suspend, attribute-only pushes) keep retrying (default 2 minutes). */
  readonly backgroundWindowMs?: number;
  readonly leasePollMs?: number;
  /** After an `auth` failure, how long no push to that directory starts before one is tried again (default 1 minute). */
  readonly authPauseMs?: number;
  /**
   * This instance's name in the leases it takes. Give a stable one per instance (a host name, a
   * pod name): after a crash the restarted instance recognises its own abandoned leases and releases
   * them at once instead of waiting for them to expire. Default: a new random id per process.
   */
  readonly instanceId?: string;
  /** How long after an account was created or linked a not-found is retried as the directory catching up (default 2 minutes). */
  readonly propagationWindowMs?: number;
  /** How far behind ours a directory's clock may date a password change when an ambiguous push is checked (default 2 s). */
  readonly ambiguitySkewMs?: number;
  /** When refused pushes pause a whole directory (a missing role or permission), and how often it is probed again. */
  readonly access?: AccessGuardOptions;
  /**
   * R16's periodic sweep for password changes made in the directories outside Takeover (each
   * directory whose connector declares `externalChanges.sweep`), every `intervalMs`. Off when
   * absent (the default; tests call `sweepExternalChanges` instead).
   */
  readonly externalChangeSweep?: { readonly intervalMs: number };
  /**
   * Where the sweep keeps each directory's cursor: a row per directory (`sqliteSweepCursors`,
   * `postgresSweepCursors` from `@takeover/read-models`), overwritten each round. Without it, the
   * cursor is an event per round on the stream `external-sweep-<directoryId>` (it survives restarts
   * but grows with every round).
   */
  readonly sweepCursors?: SweepCursorStore;
  /**
   * How the sweep finds the users bound to the accounts a directory reports: an indexed lookup on the
   * persisted user list (its view from `@takeover/read-models`). Without it, a map built in memory
   * from every `ExternalAccountLinked` in the store (it grows with the users and is rebuilt after each start).
   */
  readonly linkedAccounts?: LinkedAccounts;
  /**
   * Where `settleAll` finds the users with work owed that needs no plaintext: an indexed query in a
   * persisted read model (`@takeover/read-models`), so a start does not read every user stream.
   * Without it, `settleAll` scans every user event in the store.
   */
  readonly owedWork?: OwedWorkSource;
}

/** The users a restarted engine must settle (notices, resolutions, account actions, attribute-only pushes, leases held). */
export interface OwedWorkSource {
  readonly owedUsers: () => AsyncIterable<UserId>;
}

/** Why a directory takes no pushes now, for the admin: its credentials (`auth`) or its access (`access`: what to grant). */
export interface DirectoryProblem {
  readonly directoryId: DirectoryId;
  readonly reason: 'auth' | 'access';
  readonly since?: number;
  readonly checks: DirectoryAccessProblem['checks'];
}

export interface Engine {
  /**
   * Decide and append a user command: the Promise resolves once its events are appended, with
   * `Right(handled)` or `Left(EngineError)` (it never rejects for a refusal). Work the command makes
   * owed runs behind it. The entry point for callers without fp-ts; `execute` is the same as a
   * `TaskEither` for those who compose. Lint with `@typescript-eslint/no-floating-promises` so a
   * call that is not awaited is reported (docs/integrating.md).
   */
  readonly run: (command: UserCommand) => Promise<Either<EngineError, UserHandled>>;
  /** `run` for a directory command (connect, change the policy, disconnect). */
  readonly runDirectory: (command: DirectoryCommand) => Promise<Either<EngineError, DirectoryHandled>>;
  /**
   * `run` as a `TaskEither`, for fp-ts composition: nothing happens until the task is called.
   * `await engine.execute(cmd)` (no trailing `()`) does nothing: `@typescript-eslint/await-thenable`
   * reports it; prefer `run`.
   */
  readonly execute: (command: UserCommand) => TaskEither<EngineError, UserHandled>;
  /** `runDirectory` as a `TaskEither`. */
  readonly executeDirectory: (command: DirectoryCommand) => TaskEither<EngineError, DirectoryHandled>;
  /** Look at what is owed to this user now and act on it (e.g. after a restart, or a directory policy change). */
  readonly settle: (userId: UserId) => Promise<void>;
  /**
   * Settles every user in the store, a few at a time: for a host starting up, so what a stopped
   * instance left owed and needs no plaintext (notices, resolutions, account actions, attribute-only
   * pushes) is carried out: the users `EngineOptions.owedWork` names, else every user in the store.
   * Resolves with the number of users looked at.
   */
  readonly settleAll: (options?: { readonly concurrency?: number }) => Promise<number>;
  /** Resolves when this user's pending work (pushes, notices, …) has run. */
  readonly whenSettled: (userId: UserId) => Promise<void>;
  /**
   * Resolves when no user has pending work. With `retries: true`, also waits for the settles armed
   * to try owed work again (see `retriesArmed`): it does not resolve while a directory keeps failing.
   */
  readonly idle: (options?: { readonly retries?: boolean }) => Promise<void>;
  /**
   * Users whose settle left work owed that needs no plaintext (a resolution, a notice, an account
   * action, an attribute-only push: a retryable failure that outlasted its retries, a paused
   * directory) and is armed to run again: after `retry.maxDelayMs`, doubling per settle that leaves
   * work owed again, up to `backgroundWindowMs` (docs/engine.md, "Owed work is tried again").
   */
  readonly retriesArmed: () => number;
  /** Directories paused after an `auth` failure (no push starts there until the pause ends and a trial call succeeds). */
  readonly pausedDirectories: () => ReadonlyArray<DirectoryId>;
  /** Each paused directory, with what is wrong and how to fix it (for the console and /readyz). */
  readonly directoryProblems: () => ReadonlyArray<DirectoryProblem>;
  /** This instance's name in its leases. */
  readonly instanceId: string;
  /** Users whose plaintext is held right now. */
  readonly heldCount: () => number;
  /**
   * R16: sweeps each directory (or the one given) for password changes made outside Takeover now,
   * through its pacer, from its saved cursor. What the periodic sweep runs.
   */
  readonly sweepExternalChanges: (directoryId?: DirectoryId) => Promise<ReadonlyArray<SweepReport>>;
  /**
   * Cancels the armed retries, waits for pending work (at most `deadlineMs`, when given), stops the
   * directories' pacers, then forgets every held plaintext. At the deadline, calls still waiting for
   * a slot are not sent: each ends as a retryable failure, so its work stays owed (a password push
   * then waits for the next login). Calls already sent run to their end. Calling it again returns the
   * first call's promise.
   */
  readonly close: (options?: { readonly deadlineMs?: number }) => Promise<void>;
}

/** Every user with a stream, from one pass over the global order (the fallback of `settleAll`). */
const scanUsers = async function* (store: EventStore): AsyncIterable<UserId> {
  const users = new Set<UserId>();
  let after: Checkpoint | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after === undefined ? {} : { after }), maxCount: 1000, filter: { streamPrefix: 'user-' } })();
    if (E.isLeft(page)) throw new Error(`settleAll: cannot read the store (${page.left._tag})`);
    for (const e of page.right.events) users.add(e.streamId.slice('user-'.length) as UserId);
    if (page.right.events.length === 0) break;
    after = page.right.checkpoint;
  }
  yield* users;
};

export const createEngine = (options: EngineOptions): Engine => {
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? noopMetrics;
  const hold: PlaintextHold = plaintextHold(clock, options.hold);
  const pacers = new Map<DirectoryId, Pacer>();
  const breakers = new Map<DirectoryId, AuthBreaker>();
  const accesses = new Map<DirectoryId, DirectoryAccess>();
  const connectorFor =
    typeof options.connectors === 'function'
      ? options.connectors
      : (id: DirectoryId) => (options.connectors as Readonly<Partial<Record<DirectoryId, DirectoryConnector>>>)[id];
  const base: Omit<Deps, 'record'> = {
    store: options.store,
    directories: directoryCache(options.store, clock),
    conflicts: { ...DEFAULT_CONFLICT_RETRIES, ...options.conflictRetries },
    connectorFor,
    pacerFor: (id, kind) => {
      const existing = pacers.get(id);
      if (existing !== undefined) return existing;
      const onDepth = (depth: number) => metrics.queueDepth(id, depth);
      const created =
        options.budget === undefined
          ? pacer(pacingFor(kind, options.pacing), clock, onDepth)
          : sharedPacer(id, pacingFor(kind, options.pacing), options.budget, clock, options.logger ?? silentLogger, onDepth);
      pacers.set(id, created);
      return created;
    },
    breakerFor: (id) => {
      const existing = breakers.get(id);
      if (existing !== undefined) return existing;
      const created = authBreaker(options.authPauseMs ?? 60_000, clock);
      breakers.set(id, created);
      return created;
    },
    accessFor: (id) => {
      const existing = accesses.get(id);
      if (existing !== undefined) return existing;
      const created = directoryAccess(clock, { probeEveryMs: options.authPauseMs ?? 60_000, ...options.access });
      accesses.set(id, created);
      return created;
    },
    instanceId: options.instanceId ?? `engine-${randomUUID()}`,
    activeLeases: new Set(),
    propagationWindowMs: options.propagationWindowMs ?? 120_000,
    ambiguitySkewMs: options.ambiguitySkewMs ?? 2_000,
    mailer: options.mailer,
    mail: options.mail,
    clock,
    ids: options.ids ?? randomIds,
    metrics,
    logger: options.logger ?? silentLogger,
    hold,
    leaseMs: options.leaseMs ?? maxHoldMsOf(options.hold) + 60_000,
    ...(options.platform === undefined ? {} : { platform: options.platform }),
    ...(options.passwordHooks === undefined ? {} : { passwordHooks: options.passwordHooks }),
    retry: {
      maxAttempts: options.retry?.maxAttempts ?? 8,
      initialDelayMs: options.retry?.initialDelayMs ?? 250,
      maxDelayMs: options.retry?.maxDelayMs ?? 15_000,
    },
    backgroundWindowMs: options.backgroundWindowMs ?? 120_000,
    leasePollMs: options.leasePollMs ?? 500,
  };
  if (!(base.conflicts.attempts >= 1 && base.conflicts.initialDelayMs >= 0 && base.conflicts.maxDelayMs >= base.conflicts.initialDelayMs)) {
    throw new Error(
      `EngineOptions.conflictRetries: attempts must be at least 1 and 0 <= initialDelayMs <= maxDelayMs (got ${JSON.stringify(base.conflicts)})`,
    );
  }
  const deps: Deps = { ...base, record: recordDirectly(base) };
  const users = userCache(options.cachedUsers ?? 1_000);

  const scheduler = userScheduler(
    async (userId, start) => {
      const settled = await settleUser(deps, userId, start);
      if (settled.loaded !== undefined) users.put(userId, settled.loaded);
      return settled;
    },
    deps.logger,
    { firstDelayMs: base.retry.maxDelayMs, maxDelayMs: Math.max(base.retry.maxDelayMs, base.backgroundWindowMs) },
  );
  const { schedule, whenSettled, idle } = scheduler;
  let closing: Promise<void> | undefined;
  const sweeps = externalChangeSweeps(
    deps,
    {
      cursors: options.sweepCursors ?? streamSweepCursors(options.store, clock),
      linked: options.linkedAccounts ?? scannedLinkedAccounts(options.store),
    },
    options.externalChangeSweep,
  );

  const keepPlaintext = (command: UserCommand, handled: UserHandled): void => {
    if (handled.state.status === 'absent') return;
    const first = handled.events[0]?.metadata?.eventId ?? eventIdFor(command.commandId, 0);
    const moment =
      command.type === 'LogIn'
        ? 'portal-login'
        : command.type === 'SetPassword' && command.by.role !== 'admin'
          ? 'portal-password-change'
          : undefined;
    if (moment === undefined || !('password' in command)) return;
    const kept = hold.put(command.userId, {
      secret: command.password,
      passwordVersion: handled.state.passwordVersion,
      moment,
      correlationId: first,
    });
    if (!kept)
      deps.logger.warn('plaintext not held (the hold is full, or a newer password is held); its pushes wait for the next login', {
        userId: command.userId,
      });
  };

  const baseOptions = commandOptions(deps); // the same for every command: built once
  // A login's decision depends on the user alone; the directories it leaves owed are checked again at each push's lease.
  const loginOptions = { ...baseOptions, directoryFreshness: 'cached' as const };
  const run = async (command: UserCommand): Promise<Either<EngineError, UserHandled>> => {
    const cached = users.get(command.userId);
    const base = command.type === 'LogIn' ? loginOptions : baseOptions;
    const handled = await handleUserCommand(cached === undefined ? base : { ...base, from: cached }, command)();
    if (E.isRight(handled)) {
      users.put(command.userId, { state: handled.right.state, version: handled.right.version });
      keepPlaintext(command, handled.right);
      // The settle starts from the state this command appended at: no read unless the stream moved on since.
      void schedule(command.userId, {
        loaded: { state: handled.right.state, version: handled.right.version },
        directories: handled.right.directories,
      });
    }
    return handled;
  };
  const runDirectory = async (command: DirectoryCommand): Promise<Either<EngineError, DirectoryHandled>> => {
    const handled = await handleDirectoryCommand(deps.store, command, deps.conflicts.attempts)();
    deps.directories.forget(command.directoryId);
    return handled;
  };

  return {
    run,
    runDirectory,
    execute: (command) => () => run(command),
    executeDirectory: (command) => () => runDirectory(command),
    settle: (userId) => schedule(userId),
    settleAll: async ({ concurrency = 16 } = {}) => {
      const users = options.owedWork === undefined ? scanUsers(deps.store) : options.owedWork.owedUsers();
      const iterator = users[Symbol.asyncIterator]();
      let count = 0;
      // The workers pull from one iterator: a large source is never held in memory at once.
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
            count++;
            await schedule(next.value);
          }
        }),
      );
      return count;
    },
    whenSettled,
    idle,
    heldCount: () => hold.size(),
    pausedDirectories: () => [
      ...new Set([
        ...[...breakers.entries()].filter(([, b]) => b.paused()).map(([id]) => id),
        ...[...accesses.entries()].filter(([, a]) => a.isPaused()).map(([id]) => id),
      ]),
    ],
    directoryProblems: () => [
      ...[...breakers.entries()]
        .filter(([, b]) => b.paused())
        .map(([directoryId]): DirectoryProblem => ({
          directoryId,
          reason: 'auth',
          checks: [
            {
              area: 'credentials',
              name: 'credentials',
              status: 'missing',
              detail: "The directory refused the connector's credentials.",
              fix: "Check the connector's credentials and consent (run takeover-doctor).",
            },
          ],
        })),
      ...[...accesses.entries()].flatMap(([directoryId, a]): DirectoryProblem[] => {
        const p = a.problem();
        return p === undefined ? [] : [{ directoryId, reason: 'access', since: p.since, checks: p.checks }];
      }),
    ],
    instanceId: deps.instanceId,
    sweepExternalChanges: sweeps.sweep,
    retriesArmed: scheduler.armed,
    close: (closeOptions = {}) => {
      closing ??= (async () => {
        await sweeps.stop();
        scheduler.stop();
        const { deadlineMs } = closeOptions;
        if (deadlineMs === undefined) await idle();
        else {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadlineMs))))]);
          clearTimeout(timer);
        }
        // Nothing starts after this: a shared budget whose pool its owner closes next is asked no more.
        for (const p of pacers.values()) p.close();
        hold.clear();
      })();
      return closing;
    },
  };
};
