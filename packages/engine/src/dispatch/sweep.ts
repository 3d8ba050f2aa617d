// R16's periodic sweep: per directory whose connector can list password changes
// (`capabilities.externalChanges.sweep`), read the changes since the saved cursor, a page per
// request through the directory's pacer (the same quota as its pushes), and record each that is
// later than our own last password push to a bound account whose takeover is complete. The push
// that sets it back is then owed and goes out at the user's next portal login (the plaintext is
// needed). The accounts' users are looked up a page at a time (`LinkedAccounts`: an index on the
// persisted user list). The cursor is saved at the end of each round in the `SweepCursorStore` (a
// row per directory in the read side's tables), compare-and-set on the round: it survives
// restarts, and of two instances sweeping at once only one saves (the other's findings are
// recorded all the same: recording is idempotent, one event per change).
import * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId, UserId } from '@takeover/core';
import { commandId, isoTime } from '@takeover/core';
import type { PasswordChange, PasswordChangePage } from '@takeover/connector-kit';
import { describeConnectorError } from '@takeover/connector-kit';
import type { Checkpoint } from '@takeover/event-store';
import { isoNow } from '../ports.js';
import { loadUser } from '../streams.js';
import type { Deps } from './deps.js';
import { atDirectoryGrain } from './passwordTimes.js';
import { pacedCall } from '../pacing/retry.js';
import type { LinkedAccounts, SweepCursor, SweepCursorStore } from './sweepState.js';

/** A guard against a round that never ends: at most this many pages per sweep; the rest waits for the next. */
const MAX_PAGES = 1000;

/** Where a sweep keeps its cursors and finds the accounts' users. */
export interface SweepState {
  readonly cursors: SweepCursorStore;
  readonly linked: LinkedAccounts;
}

export interface SweepReport {
  readonly directoryId: DirectoryId;
  /** Why nothing was asked: no connector, one that cannot list changes, or a directory paused (credentials, access). */
  readonly skipped?: 'no-connector' | 'cannot-sweep' | 'paused';
  /** Requests made (pages read). */
  readonly pages: number;
  /** Changes the directory reported. */
  readonly reported: number;
  /**
   * Of those, recorded as someone else's change to a bound account (a push is owed now). Two
   * instances sweeping at the same moment may both count one change (the store keeps it once).
   */
  readonly recorded: number;
  /**
   * Accounts bound to a user that the directory reported deleted (Entra delta's `@removed`): nothing
   * to set back; the user's next push finds the account missing and resolves it.
   */
  readonly removed: number;
  /** The cursor was saved (the round ended). */
  readonly saved: boolean;
  /** What went wrong, if the sweep stopped early (asked again at the next sweep, from the saved cursor). */
  readonly error?: string;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Records one reported change if it is someone else's on a bound account: `recorded` when an event
 * was appended, `failed` when the store could not take it (the round stops unsaved, so the change is
 * asked again), `ignored` otherwise.
 */
const recordChange = async (
  deps: Deps,
  users: ReadonlyArray<UserId>,
  directoryId: DirectoryId,
  change: PasswordChange,
): Promise<'recorded' | 'ignored' | { readonly failed: string }> => {
  const connector = deps.connectorFor(directoryId);
  if (connector === undefined) return 'ignored';
  let recorded = false;
  for (const userId of users) {
    const loaded = await loadUser(deps.store, userId)();
    if (E.isLeft(loaded)) return { failed: `cannot read the user (${loaded.left._tag})` };
    if (loaded.right.state.status === 'absent') continue;
    const state = loaded.right.state;
    const b = state.bindings[directoryId];
    if (b?.bound !== true || b.link.status !== 'linked' || String(b.link.externalKey) !== String(change.externalId) || !b.takeoverComplete)
      continue;
    const changed = change.changedAt.getTime();
    // Ours is recorded after the directory stamped it: at the directory's grain, a change not later than ours is ours.
    const ours = b.lastPasswordPushAt === null ? Number.NEGATIVE_INFINITY : atDirectoryGrain(connector, Date.parse(b.lastPasswordPushAt));
    if (changed <= ours || b.externalChangePending !== null) continue;
    // Our own password push in flight (its lease live): the directory may have applied and dated it
    // before its success is recorded. Entra names no actor, so a change dated from the push's start on,
    // within its lease, is taken for ours (one made by someone else in that window cannot be told from it).
    const flight = b.inFlight;
    if (flight?.carriesPassword === true) {
      const since = Date.parse(flight.since);
      if (changed >= atDirectoryGrain(connector, since) && changed <= since + deps.leaseMs) continue;
    }
    const r = await deps.record({
      type: 'RecordExternalPasswordChange',
      commandId: commandId(`external/${userId}/${directoryId}/${b.generation}/${changed}`),
      userId,
      at: isoNow(deps.clock),
      directoryId,
      changedAt: isoTime(new Date(changed).toISOString()),
      source: 'sweep',
      ...(change.by === undefined ? {} : { by: change.by }),
    });
    if (E.isLeft(r)) {
      // A refusal (the binding moved on between the read and the decision) is an answer; a store failure is not.
      if (r.left._tag !== 'Rejected') return { failed: r.left.message };
      deps.logger.warn('external password change not recorded', { directoryId, error: r.left._tag });
      continue;
    }
    if (r.right.events.length > 0) {
      recorded = true;
      deps.metrics.externalPasswordChange?.(directoryId, 'sweep');
      deps.logger.info('password changed outside the portal (sweep): set back at the next login', { directoryId });
    }
  }
  return recorded ? 'recorded' : 'ignored';
};

/** The users of each account a page names, in one lookup. */
const usersByAccount = async (state: SweepState, directoryId: DirectoryId, keys: ReadonlyArray<string>) => {
  const out = new Map<string, UserId[]>();
  if (keys.length === 0) return out;
  for (const l of await state.linked.linkedUsers(directoryId, [...new Set(keys)])) {
    const list = out.get(l.externalKey) ?? [];
    if (!list.includes(l.userId)) list.push(l.userId);
    out.set(l.externalKey, list);
  }
  return out;
};

/** One sweep of one directory: a whole round from the saved cursor (or up to MAX_PAGES pages of it). */
export const sweepDirectory = async (deps: Deps, state: SweepState, directoryId: DirectoryId): Promise<SweepReport> => {
  const none = { directoryId, pages: 0, reported: 0, recorded: 0, removed: 0, saved: false };
  const connector = deps.connectorFor(directoryId);
  if (connector === undefined) return { ...none, skipped: 'no-connector' };
  const since = connector.passwordChangesSince;
  if (!connector.capabilities.externalChanges.sweep || since === undefined) return { ...none, skipped: 'cannot-sweep' };
  if (deps.breakerFor(directoryId).paused() || deps.accessFor(directoryId).isPaused()) return { ...none, skipped: 'paused' };
  let saved: SweepCursor | undefined;
  try {
    saved = await state.cursors.load(directoryId);
  } catch (e) {
    return { ...none, error: `cannot read the saved cursor (${messageOf(e)})` };
  }
  let cursor = saved?.cursor ?? null;
  let pages = 0;
  let reported = 0;
  let recorded = 0;
  let removed = 0;
  const stopped = (error: string): SweepReport => {
    deps.logger.warn('external-change sweep stopped; it starts again from the saved cursor at the next sweep', { directoryId, error });
    return { directoryId, pages, reported, recorded, removed, saved: false, error };
  };
  const deadline = deps.clock.now() + deps.backgroundWindowMs;
  for (; pages < MAX_PAGES;) {
    const at = cursor;
    const r = await pacedCall(deps.pacerFor(directoryId, connector.kind), deps.clock, () => since(at)(), {
      deadline,
      ...deps.retry,
      onRetry: () => deps.metrics.retried(directoryId),
      onThrottled: (ms) => deps.metrics.throttled(directoryId, ms),
    });
    pages += 1;
    if (E.isLeft(r)) return stopped(describeConnectorError(r.left));
    const page: PasswordChangePage = r.right;
    reported += page.changes.length;
    const gone = page.removed ?? [];
    let users: Map<string, UserId[]>;
    try {
      users = await usersByAccount(
        state,
        directoryId,
        [...page.changes, ...gone].map((c) => String(c.externalId)),
      );
    } catch (e) {
      return stopped(`cannot look up the accounts' users (${messageOf(e)})`);
    }
    for (const c of page.changes) {
      const outcome = await recordChange(deps, users.get(String(c.externalId)) ?? [], directoryId, c);
      if (outcome === 'recorded') recorded += 1;
      else if (outcome !== 'ignored') return stopped(outcome.failed);
    }
    const removedBound = gone.filter((g) => (users.get(String(g.externalId)) ?? []).length > 0).length;
    if (removedBound > 0)
      deps.logger.warn('accounts bound to users were deleted in the directory; their next push resolves them again', {
        directoryId,
        accounts: removedBound,
      });
    removed += removedBound;
    cursor = page.cursor;
    if (!page.more) break;
  }
  const report = { directoryId, pages, reported, recorded, removed };
  if (cursor === null || cursor === saved?.cursor) return { ...report, saved: false };
  try {
    if (await state.cursors.save(directoryId, { cursor, round: (saved?.round ?? 0) + 1 })) return { ...report, saved: true };
  } catch (e) {
    return { ...report, saved: false, error: `cannot save the cursor (${messageOf(e)})` };
  }
  deps.logger.info('another instance saved the sweep cursor first; this one is dropped', { directoryId });
  return { ...report, saved: false };
};

/** Every directory in the store (its `directory-` streams). */
export const knownDirectories = async (deps: Deps): Promise<E.Either<string, ReadonlyArray<DirectoryId>>> => {
  const ids = new Set<DirectoryId>();
  let after: Checkpoint | undefined;
  for (;;) {
    const page = await deps.store.readAll({
      ...(after === undefined ? {} : { after }),
      maxCount: 1000,
      filter: { streamPrefix: 'directory-' },
    })();
    if (E.isLeft(page)) return E.left(page.left._tag);
    for (const e of page.right.events) ids.add(e.streamId.slice('directory-'.length) as DirectoryId);
    if (page.right.events.length === 0) return E.right([...ids]);
    after = page.right.checkpoint;
  }
};
