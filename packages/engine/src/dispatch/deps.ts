import type * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId, PasswordCheckHooks, PasswordPolicy, UserCommand } from '@takeover/core';
import type { ConnectorLogger, DirectoryConnector } from '@takeover/connector-kit';
import type { EventStore } from '@takeover/event-store';
import type { CommandOptions, ConflictRetries, UserHandled } from '../commands.js';
import { handleUserCommand } from '../commands.js';
import type { DirectoryCache } from '../directoryCache.js';
import type { EngineError } from '../errors.js';
import type { PlaintextHold } from '../hold.js';
import type { Mailer } from '../mail/mailer.js';
import type { MailSettings } from '../mail/templates.js';
import type { EngineMetrics } from '../metrics.js';
import type { AuthBreaker } from '../pacing/authBreaker.js';
import type { DirectoryAccess } from '../pacing/accessGuard.js';
import type { Pacer } from '../pacing/pacer.js';
import type { Clock, IdGenerator } from '../ports.js';

/** Everything the dispatcher works with, wired once by `createEngine`. */
export interface Deps {
  readonly store: EventStore;
  readonly directories: DirectoryCache;
  /** The one conflict-retry policy (`EngineOptions.conflictRetries`). */
  readonly conflicts: ConflictRetries;
  /**
   * Records an outcome (push started/succeeded/failed, notice sent, …). Within a settle this goes
   * through the settle's pipeline (one at a time, from the state the previous one appended at);
   * `{ current: [id] }`: that directory is brought up to date first (the lease), `cached` by default.
   */
  readonly record: (
    command: UserCommand,
    directories?: CommandOptions['directoryFreshness'],
  ) => Promise<E.Either<EngineError, UserHandled>>;
  readonly connectorFor: (directoryId: DirectoryId) => DirectoryConnector | undefined;
  readonly pacerFor: (directoryId: DirectoryId, kind: string) => Pacer;
  readonly breakerFor: (directoryId: DirectoryId) => AuthBreaker;
  /** Whether a directory refuses the connector as a whole (a missing role or permission), told apart from one account's refusal. */
  readonly accessFor: (directoryId: DirectoryId) => DirectoryAccess;
  /** This engine instance, named in the leases it takes. */
  readonly instanceId: string;
  /** Pushes this process is carrying out now (by push id): a lease of this instance not in here was abandoned. */
  readonly activeLeases: Set<string>;
  /** How long after a link a not-found answer is taken for the directory still creating the account (default 2 minutes). */
  readonly propagationWindowMs: number;
  /** How far behind ours a directory's clock may stamp a password change (R17; default 2 s). */
  readonly ambiguitySkewMs: number;
  readonly mailer: Mailer;
  readonly mail: MailSettings;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: EngineMetrics;
  readonly logger: ConnectorLogger;
  readonly hold: PlaintextHold;
  readonly leaseMs: number;
  readonly platform?: { readonly name?: string; readonly passwordPolicy?: PasswordPolicy };
  readonly passwordHooks?: PasswordCheckHooks;
  readonly retry: { readonly maxAttempts: number; readonly initialDelayMs: number; readonly maxDelayMs: number };
  /** How long a call that needs no plaintext (resolve, suspend, attribute-only push) may keep retrying. */
  readonly backgroundWindowMs: number;
  /** How often to look again when another instance holds a lease this instance could use its plaintext for. */
  readonly leasePollMs: number;
}

/** How the engine runs a command: its conflict policy and directory cache. */
export const commandOptions = (deps: Omit<Deps, 'record'>): CommandOptions => ({
  store: deps.store,
  context: commandContext(deps),
  conflicts: deps.conflicts,
  directories: deps.directories,
});

/** `record` outside a settle: reads the user first. */
export const recordDirectly =
  (deps: Omit<Deps, 'record'>) =>
  (command: UserCommand, directories: CommandOptions['directoryFreshness'] = 'cached'): Promise<E.Either<EngineError, UserHandled>> =>
    handleUserCommand({ ...commandOptions(deps), directoryFreshness: directories }, command)();

export const commandContext = (deps: Pick<Deps, 'leaseMs' | 'platform' | 'passwordHooks'>) => ({
  leaseMs: deps.leaseMs,
  ...(deps.platform === undefined ? {} : { platform: deps.platform }),
  ...(deps.passwordHooks === undefined ? {} : { passwordHooks: deps.passwordHooks }),
});
