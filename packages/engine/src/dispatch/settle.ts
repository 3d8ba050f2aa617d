import * as E from 'fp-ts/lib/Either.js';
import type { Directories, DirectoryId, ExistingUser, UserId, UserState } from '@takeover/core';
import { describeConnectorError, externalUserId } from '@takeover/connector-kit';
import {
  commandId,
  currentBindings,
  pushWaitOf,
  isoTime,
  msBetween,
  owed,
  pushDue,
  pushesToCarryOut,
  pushesWithoutPlaintext,
} from '@takeover/core';
import { handleUserCommand } from '../commands.js';
import { isoNow } from '../ports.js';
import type { Loaded } from '../streams.js';
import { catchUpUser, directoryIdsOf, loadUser } from '../streams.js';
import type { Deps } from './deps.js';
import { commandOptions } from './deps.js';
import { runAccountAction, runNotice, runResolution } from './effects.js';
import { runPush } from './push.js';
import { atDirectoryGrain } from './passwordTimes.js';
import { loginChangeReader } from './externalChanges.js';
import { pacedCall } from '../pacing/retry.js';

type Pass = 'again' | 'wait' | 'done';

/**
 * A lease this instance took that no push of this process is carrying out: the process that took
 * it died (a crash, a kill) before recording an outcome. Released at once (a retryable failure), so
 * the push is owed again without waiting for the lease to expire. Instance ids must be unique per
 * live process: two processes sharing one would release each other's leases.
 */
const releasedAbandonedLeases = async (deps: Deps, state: ExistingUser): Promise<boolean> => {
  const abandoned = currentBindings(state).flatMap((b) =>
    b.inFlight !== null && b.inFlight.instance === deps.instanceId && !deps.activeLeases.has(b.inFlight.pushId) ? [b.inFlight] : [],
  );
  for (const lease of abandoned) {
    const { since: _since, instance: _instance, ...push } = lease;
    const r = await deps.record({
      type: 'RecordPushFailed',
      commandId: commandId(`abandoned/${push.pushId}/${lease.since}`),
      userId: state.userId,
      at: isoNow(deps.clock),
      push,
      failure: {
        class: 'retryable',
        code: 'abandoned',
        reason: 'abandoned',
        message: 'This instance stopped (a crash or a kill) while the push was in flight; it is owed again and goes out at the next login.',
      },
    });
    if (E.isLeft(r)) deps.logger.warn('abandoned lease not released; it expires instead', { pushId: push.pushId, error: r.left._tag });
    else deps.logger.info('released a lease this instance abandoned', { pushId: push.pushId });
  }
  return abandoned.length > 0;
};

/**
 * One pass over what is owed to a user now: notices, resolutions, account actions, and the pushes
 * this instance can carry out (those needing no plaintext, and those the held plaintext is for).
 * Work on different directories runs in parallel; work on one directory runs in order. Each item is
 * tried once per settle (`attempted`), so a failure is not hammered in a loop.
 */
const pass = async (deps: Deps, head: Head, userId: UserId, attempted: Set<string>, reread: boolean): Promise<Pass> => {
  const loaded =
    head.loaded === undefined
      ? await loadUser(deps.store, userId)()
      : reread
        ? await catchUpUser(deps.store, userId, head.loaded)()
        : E.right(head.loaded);
  if (E.isLeft(loaded)) {
    deps.logger.error('cannot read user', { error: loaded.left.message });
    return 'done';
  }
  head.loaded = loaded.right;
  const state = loaded.right.state;
  if (state.status === 'absent') return 'done';
  // The first pass brings the directories up to date (unless the command that started this settle just did); later ones use them as cached.
  const handed = head.directories;
  head.directories = undefined;
  const dirs =
    handed !== undefined
      ? E.right(handed)
      : await (head.firstPass ? deps.directories.current : deps.directories.cached)(directoryIdsOf(state))();
  head.firstPass = false;
  if (E.isLeft(dirs)) {
    deps.logger.error('cannot read directories', { error: dirs.left.message });
    return 'done';
  }
  const directories = dirs.right;
  if (await releasedAbandonedLeases(deps, state)) return 'again';
  const opts = { now: isoNow(deps.clock), leaseMs: deps.leaseMs };
  const todo = owed(state, directories, opts);
  const held = deps.hold.get(userId);
  const usable = held !== undefined && held.passwordVersion === state.passwordVersion ? held : undefined;
  if (usable?.moment === 'portal-login' && (await detectExternalChanges(deps, state, directories, attempted, usable.deadline)))
    return 'again';
  const withPlaintext =
    usable === undefined ? [] : pushesToCarryOut(state, directories, usable.moment, opts).filter((p) => p.needsPlaintext);

  const work = new Map<DirectoryId | '', Array<() => Promise<void>>>();
  const add = (key: string, directoryId: DirectoryId | '', task: () => Promise<void>): void => {
    if (attempted.has(key)) return;
    attempted.add(key);
    work.set(directoryId, [...(work.get(directoryId) ?? []), task]);
  };
  for (const n of todo.notices) add(n.noticeId, '', () => runNotice(deps, state, directories, n));
  for (const r of todo.resolutions) add(`resolve/${r.directoryId}/${r.generation}`, r.directoryId, () => runResolution(deps, state, r));
  for (const a of todo.accountActions) add(a.actionId, a.directoryId, () => runAccountAction(deps, state, a));
  for (const p of [...pushesWithoutPlaintext(todo), ...withPlaintext])
    add(p.pushId, p.directoryId, () => runPush(deps, state, p, p.needsPlaintext ? usable : undefined));

  if (work.size > 0) {
    await Promise.all(
      [...work.values()].map(async (tasks) => {
        for (const t of tasks) await t();
      }),
    );
    return 'again';
  }
  // Nothing to do here now. With the plaintext in hand, a lease another instance holds may end
  // (success, failure, or expiry) while the plaintext is still held: look again until the deadline.
  if (usable !== undefined) {
    const blocked = currentBindings(state).some((b) => {
      const due = pushDue(state, b, directories[b.directoryId]);
      return (
        due?.carriesPassword === true &&
        !attempted.has(due.pushId) &&
        (usable.moment === 'portal-login' || b.takeoverComplete) &&
        pushWaitOf(b, due, opts) === 'in-flight'
      );
    });
    if (blocked) return 'wait';
  }
  return 'done';
};

/**
 * R16, at a portal login: asks each directory that can tell (`lastPasswordChange`) whether the
 * password there changed since our last password push, one paced read per bound directory whose
 * takeover is complete and to which no password push is owed already. A change later than ours (at
 * the directory's grain: ours is recorded after the directory stamped it) is recorded, which makes
 * the push that sets it back owed now, while the plaintext is in hand. True when one was recorded.
 */
const detectExternalChanges = async (
  deps: Deps,
  state: ExistingUser,
  directories: Directories,
  attempted: Set<string>,
  deadline: number,
): Promise<boolean> => {
  const found = await Promise.all(
    currentBindings(state).map(async (b): Promise<boolean> => {
      const key = `external-check/${b.directoryId}/${b.generation}`;
      // Once per settle and binding, decided on the state the login found: a directory this settle pushes the password to is not asked after.
      if (attempted.has(key)) return false;
      attempted.add(key);
      if (!b.takeoverComplete || b.link.status !== 'linked' || b.externalChangePending !== null) return false;
      if (pushDue(state, b, directories[b.directoryId])?.carriesPassword === true) return false; // the password goes there anyway
      const connector = deps.connectorFor(b.directoryId);
      const read = loginChangeReader(connector);
      if (
        connector === undefined ||
        read === undefined ||
        deps.breakerFor(b.directoryId).paused() ||
        deps.accessFor(b.directoryId).isPaused()
      )
        return false;
      const externalId = externalUserId(b.link.externalKey);
      const r = await pacedCall(deps.pacerFor(b.directoryId, connector.kind), deps.clock, () => read(externalId)(), {
        deadline,
        ...deps.retry,
        maxAttempts: 3,
      });
      if (E.isLeft(r)) {
        deps.logger.warn('could not ask the directory whether the password changed there; asked again at the next login', {
          directoryId: b.directoryId,
          error: describeConnectorError(r.left),
        });
        return false;
      }
      const changed = r.right?.changedAt.getTime();
      const by = r.right?.by;
      const ours = b.lastPasswordPushAt === null ? Number.NEGATIVE_INFINITY : atDirectoryGrain(connector, Date.parse(b.lastPasswordPushAt));
      if (changed === undefined || changed <= ours) return false;
      const recorded = await deps.record({
        type: 'RecordExternalPasswordChange',
        commandId: commandId(`external/${state.userId}/${b.directoryId}/${b.generation}/${changed}`),
        userId: state.userId,
        at: isoNow(deps.clock),
        directoryId: b.directoryId,
        changedAt: isoTime(new Date(changed).toISOString()),
        source: 'login-check',
        ...(by === undefined ? {} : { by }),
      });
      if (E.isLeft(recorded)) {
        deps.logger.warn('external password change not recorded', { directoryId: b.directoryId, error: recorded.left._tag });
        return false;
      }
      deps.logger.info('password changed outside the portal: it is set back now', { directoryId: b.directoryId });
      if (recorded.right.events.length > 0) deps.metrics.externalPasswordChange?.(b.directoryId, 'login-check');
      return recorded.right.events.length > 0;
    }),
  );
  return found.some((x) => x);
};

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** Where a settle starts: the state and version the command that asked for it appended at, and the directories it decided with. */
export interface SettleStart {
  readonly loaded: Loaded<UserState>;
  readonly directories: Directories;
}

/**
 * The user's stream as this settle last saw it. Outcomes are recorded through it one at a time, each
 * decided on the state the previous one appended at, with the expected version: the settle's own
 * appends never conflict with each other, and the stream is read again only when another writer
 * (a login on another instance, an admin's change) got in between.
 */
interface Head {
  loaded: Loaded<UserState> | undefined;
  directories: Directories | undefined;
  firstPass: boolean;
  readonly record: Deps['record'];
}

const headOf = (deps: Deps, start: SettleStart | undefined): Head => {
  let queue: Promise<unknown> = Promise.resolve();
  const head: Head = {
    loaded: start?.loaded,
    directories: start?.directories,
    firstPass: true,
    record: (command, directories = 'cached') => {
      const run = queue.then(async () => {
        const r = await handleUserCommand(
          { ...commandOptions(deps), directoryFreshness: directories, ...(head.loaded === undefined ? {} : { from: head.loaded }) },
          command,
        )();
        if (E.isRight(r)) head.loaded = { state: r.right.state, version: r.right.version };
        return r;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return head;
};

/**
 * How long until the first live lease on a push that needs no plaintext ends (an attribute-only
 * push another instance started): once it ends, the push is owed again and nobody else will come
 * for it if that instance died mid-push (issue 13). `undefined`: no such lease.
 */
const leaseHeldElsewhereEndsInMs = (deps: Deps, state: ExistingUser, directories: Directories): number | undefined => {
  const now = isoNow(deps.clock);
  const ends = currentBindings(state).flatMap((b) => {
    const due = pushDue(state, b, directories[b.directoryId]);
    if (
      due === undefined ||
      due.carriesPassword ||
      b.inFlight === null ||
      pushWaitOf(b, due, { now, leaseMs: deps.leaseMs }) !== 'in-flight'
    )
      return [];
    return [Math.max(0, deps.leaseMs - msBetween(b.inFlight.since, now))];
  });
  return ends.length === 0 ? undefined : Math.min(...ends);
};

/**
 * Whether work that needs no plaintext is still owed to the user after a settle (a resolution, a
 * notice, an account action, an attribute-only push): a retryable failure that outlasted its call's
 * retries, a paused directory, a read that failed, or an attribute-only push whose lease another
 * instance holds (`wakeWithinMs`: when that lease ends). The scheduler then tries it again later.
 * Pushes that carry the password are not counted: they wait for the next login (R3).
 */
const owedWithoutPlaintext = async (deps: Deps, loaded: Loaded<UserState> | undefined): Promise<Requeue> => {
  if (loaded === undefined) return { owedLeft: true }; // the stream could not be read
  const state = loaded.state;
  if (state.status === 'absent') return { owedLeft: false };
  const dirs = await deps.directories.cached(directoryIdsOf(state))();
  if (E.isLeft(dirs)) return { owedLeft: true };
  const todo = owed(state, dirs.right, { now: isoNow(deps.clock), leaseMs: deps.leaseMs });
  const leased = leaseHeldElsewhereEndsInMs(deps, state, dirs.right);
  const owedLeft =
    todo.resolutions.length > 0 ||
    todo.notices.length > 0 ||
    todo.accountActions.length > 0 ||
    pushesWithoutPlaintext(todo).length > 0 ||
    leased !== undefined;
  return leased === undefined ? { owedLeft } : { owedLeft, wakeWithinMs: leased };
};

/** Whether a settle left work owed that needs no plaintext, and how soon it may be done at the latest (a lease elsewhere ending). */
export interface Requeue {
  /** Work that needs no plaintext is still owed: settle again later. */
  readonly owedLeft: boolean;
  /** Settle again no later than this (ms from now; within the scheduler's backoff): another instance's lease on such work ends then. */
  readonly wakeWithinMs?: number;
}

export interface Settled extends Requeue {
  /** The user's stream as the settle last saw it. */
  readonly loaded: Loaded<UserState> | undefined;
}

/** Settles a user: passes until nothing is left to do; then drops the plaintext this settle used (R14: not kept past its pushes). */
export const settleUser = async (engineDeps: Deps, userId: UserId, start?: SettleStart): Promise<Settled> => {
  const head = headOf(engineDeps, start);
  const deps: Deps = { ...engineDeps, record: head.record };
  const attempted = new Set<string>();
  const heldAtStart = deps.hold.get(userId);
  let reread = false;
  for (let i = 0; i < 100; i++) {
    const r = await pass(deps, head, userId, attempted, reread);
    reread = false;
    if (r === 'done') break;
    if (r === 'wait') {
      if (deps.hold.get(userId) === undefined) break;
      await sleep(deps.leasePollMs);
      reread = true; // waiting on another instance's lease: look at what it appended
    }
  }
  const now = deps.hold.get(userId);
  if (now !== undefined && heldAtStart !== undefined && now.secret === heldAtStart.secret) deps.hold.drop(userId);
  return { loaded: head.loaded, ...(await owedWithoutPlaintext(deps, head.loaded)) };
};
