import type { DirectoryId, NoticeId, UserId } from '../ids.js';
import { joinId } from '../ids.js';
import type { IsoTime } from '../time.js';
import { msBetween } from '../time.js';
import type { Directories, DirectoryInfo } from '../directory/state.js';
import type { NoticeKind } from './events.js';
import type { PushDescription, PushFailure } from './push.js';
import { pushIdFor } from './push.js';
import type { Binding, ExistingUser, UserState } from './state.js';
import { currentBindings } from './state.js';
import type { OwedAccountAction } from './accountTodo.js';
import { owedAccountActions } from './accountTodo.js';

/** A push owed now. `needsPlaintext`: it carries the password, so it can only run while a login's plaintext is in hand. */
export interface OwedPush extends PushDescription {
  readonly needsPlaintext: boolean;
  /** The last failure of this very push (a retryable one: it stays owed, R12). */
  readonly lastFailure: PushFailure | null;
}

export interface OwedNotice {
  readonly noticeId: NoticeId;
  readonly kind: NoticeKind;
  readonly userId: UserId;
  /** For a binding email (R1): the directory it names. */
  readonly directoryId?: DirectoryId;
}

/** A binding whose external account the engine must still find or create. */
export interface OwedResolution {
  readonly userId: UserId;
  readonly directoryId: DirectoryId;
  readonly generation: number;
  readonly email: string;
  readonly createMissingUsers: boolean;
  /** Which resolution of this binding: `bind` for the first, else the push that found the linked account gone (keeps command ids distinct). */
  readonly attempt: string;
}

export interface Owed {
  readonly pushes: ReadonlyArray<OwedPush>;
  readonly notices: ReadonlyArray<OwedNotice>;
  readonly resolutions: ReadonlyArray<OwedResolution>;
  /** Suspend or restore external accounts per `onSuspend` / `onUnbind` (no plaintext needed). */
  readonly accountActions: ReadonlyArray<OwedAccountAction>;
}

export interface OwedOptions {
  /** The current time. Without it, a push in flight is never considered abandoned. */
  readonly now?: IsoTime;
  /** How long a `PushStarted` holds its lease (default 2 minutes). */
  readonly leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 120_000;

/** Why a push that is due is not owed right now. */
export type PushWait = 'in-flight' | 'permanent-failure';

/** R7: only an active user with an active password is pushed to or told to log in. */
export const isManaged = (user: ExistingUser): boolean => user.state === 'active' && user.passwordStatus === 'active';

/**
 * The push that would bring `binding` up to date, ignoring leases and failures; `undefined` when the
 * directory already has everything, or nothing may be pushed to it (R3, R7, R13, unresolved account).
 */
export const pushDue = (user: ExistingUser, binding: Binding, directory: DirectoryInfo | undefined): PushDescription | undefined => {
  if (directory === undefined || !binding.bound || binding.link.status !== 'linked' || !isManaged(user)) return undefined;
  const recordChanged = binding.pushedRecordVersion < user.recordVersion;
  // R16: a password changed outside Takeover is owed back, whatever the policy, even with nothing else changed.
  const externalChanged = binding.takeoverComplete && binding.externalChangePending !== null;
  if (binding.takeoverComplete && !recordChanged && !externalChanged) return undefined;
  const passwordChanged = binding.pushedPasswordVersion < user.passwordVersion;
  const carriesPassword = !binding.takeoverComplete || directory.policy.passwordPush === 'every-push' || passwordChanged || externalChanged;
  const reason = !binding.takeoverComplete
    ? binding.everTakenOver
      ? 'rebind'
      : 'takeover'
    : passwordChanged
      ? 'password-changed'
      : externalChanged
        ? 'external-change'
        : 'attributes-changed';
  const versions = {
    userId: user.userId,
    directoryId: binding.directoryId,
    generation: binding.generation,
    externalKey: binding.link.externalKey,
    recordVersion: user.recordVersion,
    passwordVersion: carriesPassword ? user.passwordVersion : binding.pushedPasswordVersion,
    carriesPassword,
  };
  return {
    pushId: pushIdFor(versions, binding.externalChanges),
    ...versions,
    revokeSessions: carriesPassword && directory.policy.revokeSessionsOnPush,
    reason,
  };
};

/** Whether a due push is held back: a live lease (design.md §3: "push started" is the lease), or a permanent failure of this very push (R12). */
export const pushWaitOf = (binding: Binding, due: PushDescription, options: OwedOptions): PushWait | undefined => {
  const lease = binding.inFlight;
  if (lease !== null && (options.now === undefined || msBetween(lease.since, options.now) < (options.leaseMs ?? DEFAULT_LEASE_MS)))
    return 'in-flight';
  if (binding.lastFailure?.pushId === due.pushId && binding.lastFailure.failure.class === 'permanent') return 'permanent-failure';
  return undefined;
};

const owedPushes = (user: ExistingUser, directories: Directories, options: OwedOptions): OwedPush[] =>
  currentBindings(user).flatMap((b) => {
    const due = pushDue(user, b, directories[b.directoryId]);
    if (due === undefined || pushWaitOf(b, due, options) !== undefined) return [];
    const lastFailure = b.lastFailure?.pushId === due.pushId ? b.lastFailure.failure : null;
    return [{ ...due, needsPlaintext: due.carriesPassword, lastFailure }];
  });

export const activationNoticeId = (userId: UserId): NoticeId => joinId('notice', 'activation', userId) as NoticeId;
export const bindingNoticeId = (userId: UserId, directoryId: DirectoryId, generation: number): NoticeId =>
  joinId('notice', 'binding', userId, directoryId, generation) as NoticeId;

const owedNotices = (user: ExistingUser, directories: Directories): OwedNotice[] => {
  if (user.state !== 'active') return [];
  const bindings = currentBindings(user);
  const sent = (id: NoticeId) => user.noticesSent.includes(id);
  if (user.passwordStatus === 'pending') {
    // R2: one activation email however many directories are bound.
    const id = activationNoticeId(user.userId);
    return bindings.length > 0 && !sent(id) ? [{ noticeId: id, kind: 'activation', userId: user.userId }] : [];
  }
  if (user.passwordStatus !== 'active') return [];
  // R1: one email per directory, once the account is linked, until the takeover is done.
  return bindings
    .filter((b) => !b.boundWhilePending && !b.takeoverComplete && b.link.status === 'linked' && directories[b.directoryId] !== undefined)
    .map((b) => ({
      noticeId: bindingNoticeId(user.userId, b.directoryId, b.generation),
      kind: 'binding' as const,
      userId: user.userId,
      directoryId: b.directoryId,
    }))
    .filter((n) => !sent(n.noticeId));
};

const owedResolutions = (user: ExistingUser, directories: Directories): OwedResolution[] =>
  currentBindings(user).flatMap((b) => {
    const d = directories[b.directoryId];
    if (d === undefined || b.link.status !== 'resolving') return [];
    return [
      {
        userId: user.userId,
        directoryId: b.directoryId,
        generation: b.generation,
        email: user.attributes.email,
        createMissingUsers: d.policy.createMissingUsers,
        attempt: b.link.after ?? 'bind',
      },
    ];
  });

/**
 * The to-do projection: what is owed to this user now, given the connected directories' policies.
 * The engine's work list; every item has a deterministic id.
 */
export const owed = (state: UserState, directories: Directories, options: OwedOptions = {}): Owed =>
  state.status === 'absent'
    ? { pushes: [], notices: [], resolutions: [], accountActions: [] }
    : {
        pushes: owedPushes(state, directories, options),
        notices: owedNotices(state, directories),
        resolutions: owedResolutions(state, directories),
        accountActions: owedAccountActions(state, directories),
      };

/** The moments the plaintext is in hand. */
export type PlaintextMoment = 'portal-login' | 'portal-password-change';

/**
 * The pushes to carry out now that the plaintext is in hand (R3, R4, R6, R11). At a portal login:
 * everything owed. At a password change in the portal: only directories whose takeover is done;
 * the others wait for the first login after their binding (R3).
 */
export const pushesToCarryOut = (
  state: UserState,
  directories: Directories,
  moment: PlaintextMoment,
  options: OwedOptions = {},
): ReadonlyArray<OwedPush> => {
  if (state.status === 'absent') return [];
  const pushes = owedPushes(state, directories, options);
  switch (moment) {
    case 'portal-login':
      return pushes;
    case 'portal-password-change':
      return pushes.filter((p) => state.bindings[p.directoryId]?.takeoverComplete === true);
  }
};

/** Pushes that need no plaintext (attribute-only, `when-changed`): the engine may run these at any time (R8). */
export const pushesWithoutPlaintext = (owedNow: Owed): ReadonlyArray<OwedPush> => owedNow.pushes.filter((p) => !p.needsPlaintext);
