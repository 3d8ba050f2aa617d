import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { DirectoryCommand, DirectoryId, PasswordCheckHooks, PasswordPolicy, UserCommand, UserId } from '@takeover/core';
import { eventIdFor } from '@takeover/core';
import type { ConnectorLogger, DirectoryConnector } from '@takeover/connector-kit';
import { silentLogger } from '@takeover/connector-kit';
import type { Checkpoint, EventStore } from '@takeover/event-store';
import type { DirectoryHandled, UserHandled } from './commands.js';
import { handleDirectoryCommand, handleUserCommand } from './commands.js';
import type { Deps } from './dispatch/Deps.js';
import { commandContext } from './dispatch/Deps.js';
import { userScheduler } from './dispatch/scheduler.js';
import { settleUser } from './dispatch/settle.js';
import type { EngineError } from './errors.js';
import type { HoldOptions, PlaintextHold } from './hold.js';
import { DEFAULT_HOLD_MS, plaintextHold } from './hold.js';
import type { Mailer } from './mail/Mailer.js';
import type { MailSettings } from './mail/templates.js';
import type { EngineMetrics } from './metrics.js';
import { noopMetrics } from './metrics.js';
import type { AuthBreaker } from './pacing/authBreaker.js';
import { authBreaker } from './pacing/authBreaker.js';
import type { AccessGuardOptions, DirectoryAccess, DirectoryAccessProblem } from './pacing/accessGuard.js';
import { directoryAccess } from './pacing/accessGuard.js';
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
  /** The plaintext's window and bound (default 5 minutes, 10,000 users). */
  readonly hold?: HoldOptions;
  /** The push lease; must outlast the hold window plus one connector call (default hold + 1 minute). */
  readonly leaseMs?: number;
  /** Per connector kind, overriding the known quotas (`knownQuotas`). */
  readonly pacing?: Readonly<Record<string, PacingOptions>>;
  readonly retry?: { readonly maxAttempts?: number; readonly initialDelayMs?: number; readonly maxDelayMs?: number };
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
}

/** Why a directory takes no pushes now, for the admin: its credentials (`auth`) or its access (`access`: what to grant). */
export interface DirectoryProblem {
  readonly directoryId: DirectoryId;
  readonly reason: 'auth' | 'access';
  readonly since?: number;
  readonly checks: DirectoryAccessProblem['checks'];
}

export interface Engine {
  /** Decide and append a user command; returns once its events are appended. Work it makes owed runs behind it. */
  readonly execute: (command: UserCommand) => TaskEither<EngineError, UserHandled>;
  readonly executeDirectory: (command: DirectoryCommand) => TaskEither<EngineError, DirectoryHandled>;
  /** Look at what is owed to this user now and act on it (e.g. after a restart, or a directory policy change). */
  readonly settle: (userId: UserId) => Promise<void>;
  /**
   * Settles every user in the store, a few at a time: for a host starting up, so what a stopped
   * instance left owed and needs no plaintext (notices, resolutions, account actions, attribute-only
   * pushes) is carried out. Resolves with the number of users looked at.
   */
  readonly settleAll: (options?: { readonly concurrency?: number }) => Promise<number>;
  /** Resolves when this user's pending work (pushes, notices, …) has run. */
  readonly whenSettled: (userId: UserId) => Promise<void>;
  /** Resolves when no user has pending work. */
  readonly idle: () => Promise<void>;
  /** Directories paused after an `auth` failure (no push starts there until the pause ends and a trial call succeeds). */
  readonly pausedDirectories: () => ReadonlyArray<DirectoryId>;
  /** Each paused directory, with what is wrong and how to fix it (for the console and /readyz). */
  readonly directoryProblems: () => ReadonlyArray<DirectoryProblem>;
  /** This instance's name in its leases. */
  readonly instanceId: string;
  /** Users whose plaintext is held right now. */
  readonly heldCount: () => number;
  /** Waits for pending work, then forgets every held plaintext. */
  readonly close: () => Promise<void>;
}

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
  const deps: Deps = {
    store: options.store,
    connectorFor,
    pacerFor: (id, kind) => {
      const existing = pacers.get(id);
      if (existing !== undefined) return existing;
      const created = pacer(pacingFor(kind, options.pacing), clock, (depth) => metrics.queueDepth(id, depth));
      pacers.set(id, created);
      return created;
    },
    breakerFor: (id) => {
      const existing = breakers.get(id);
      if (existing !== undefined) return existing;
      const created = authBreaker(options.authPauseMs ?? 60_000);
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
    leaseMs: options.leaseMs ?? (options.hold?.holdMs ?? DEFAULT_HOLD_MS) + 60_000,
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

  const { schedule, whenSettled, idle } = userScheduler((userId) => settleUser(deps, userId), deps.logger);

  const keepPlaintext = (command: UserCommand, handled: UserHandled): void => {
    if (handled.state.status === 'absent') return;
    const first = handled.events[0]?.metadata?.eventId ?? eventIdFor(command.commandId, 0);
    const moment =
      command.type === 'LogIn'
        ? 'portal-login'
        : command.type === 'SetPassword' && command.by !== 'admin'
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

  return {
    execute: (command) => async () => {
      const handled = await handleUserCommand({ store: deps.store, context: commandContext(deps) }, command)();
      if (E.isRight(handled)) {
        keepPlaintext(command, handled.right);
        void schedule(command.userId);
      }
      return handled;
    },
    executeDirectory: (command) => handleDirectoryCommand(deps.store, command),
    settle: schedule,
    settleAll: async ({ concurrency = 16 } = {}) => {
      const users = new Set<UserId>();
      let after: Checkpoint | undefined;
      for (;;) {
        const page = await deps.store.readAll({
          ...(after === undefined ? {} : { after }),
          maxCount: 1000,
          filter: { streamPrefix: 'user-' },
        })();
        if (E.isLeft(page)) throw new Error(`settleAll: cannot read the store (${page.left._tag})`);
        for (const e of page.right.events) users.add(e.streamId.slice('user-'.length) as UserId);
        if (page.right.events.length === 0) break;
        after = page.right.checkpoint;
      }
      const queue = [...users];
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let u = queue.shift(); u !== undefined; u = queue.shift()) await schedule(u);
        }),
      );
      return users.size;
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
    close: async () => {
      await idle();
      hold.clear();
    },
  };
};
