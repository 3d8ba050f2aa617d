// What R16's sweep keeps between rounds, as two ports the host backs with read-side tables
// (`@takeover/read-models`): each directory's cursor (one row per directory, overwritten each round:
// it does not grow with the history) and the lookup of the users linked to an account (an index on
// the user list's rows, not a map built in memory from every link). In memory here for tests and
// small embedders; the fallbacks the engine uses when a host gives neither are below.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { DirectoryId, UserId } from '@takeover/core';
import type { Checkpoint, EventStore } from '@takeover/event-store';
import type { Clock } from '../ports.js';
import { isoNow } from '../ports.js';

/** A directory's saved sweep cursor: where the next round starts, and how many rounds have been saved. */
export interface SweepCursor {
  readonly cursor: string;
  /** 1 for the first round saved, then one more per round. */
  readonly round: number;
}

/**
 * Where the sweep keeps each directory's cursor. `save` is a compare-and-set on the round: it
 * stores `{ cursor, round }` only when the saved round is `round - 1` (nothing saved, for round 1),
 * and answers whether it did. Of two instances that swept from the same cursor at once, one saves
 * and the other is told it lost (its findings are recorded all the same: recording is idempotent).
 */
export interface SweepCursorStore {
  readonly load: (directoryId: DirectoryId) => Promise<SweepCursor | undefined>;
  readonly save: (directoryId: DirectoryId, next: SweepCursor) => Promise<boolean>;
}

/** A user linked to an account of a directory. */
export interface LinkedUser {
  readonly externalKey: string;
  readonly userId: UserId;
}

/**
 * Which users are bound to which accounts of a directory, looked up by account (an index on the
 * persisted user list's rows). An answer is a candidate: the sweep reads the user's own stream
 * before recording anything, so a row that lags the history costs a read, never a wrong event.
 */
export interface LinkedAccounts {
  /** The users bound to any of `externalKeys` in `directoryId` (one query for a page of changes). */
  readonly linkedUsers: (directoryId: DirectoryId, externalKeys: ReadonlyArray<string>) => Promise<ReadonlyArray<LinkedUser>>;
  /**
   * The directories connected so far, from the read model's own table, so a sweep of every
   * directory reads no history. Without it the engine lists them by reading the store's directory
   * streams through the global order (which grows with every user event).
   */
  readonly knownDirectories?: () => Promise<ReadonlyArray<DirectoryId>>;
}

/** Cursors in a Map: for tests and for embedders that accept a full round after each start. */
export const inMemorySweepCursors = (): SweepCursorStore => {
  const saved = new Map<DirectoryId, SweepCursor>();
  return {
    load: (directoryId) => Promise.resolve(saved.get(directoryId)),
    save: (directoryId, next) => {
      if ((saved.get(directoryId)?.round ?? 0) !== next.round - 1) return Promise.resolve(false);
      saved.set(directoryId, next);
      return Promise.resolve(true);
    },
  };
};

export const SWEEP_STREAM_PREFIX = 'external-sweep-';
/** The sweep's bookkeeping event of `streamSweepCursors` (not a domain event: the read models skip it). */
export const SWEEP_CHECKPOINTED = 'ExternalChangeSweepCheckpointed';
export const sweepStream = (directoryId: DirectoryId): string => `${SWEEP_STREAM_PREFIX}${directoryId}`;
const Checkpointed = t.type({ directoryId: t.string, cursor: t.string, at: t.string, round: t.number });

/**
 * The fallback when a host gives no `sweepCursors`: the cursor as an event on the directory's
 * stream `external-sweep-<directoryId>`, appended at the expected version (round - 1). It survives a
 * restart with no table of its own, but the stream grows by one event per round (every 15 minutes,
 * 35,000 a year per directory): a host with a read side gives a table instead.
 */
export const streamSweepCursors = (store: EventStore, clock: Clock): SweepCursorStore => ({
  load: async (directoryId) => {
    const r = await store.readStream(sweepStream(directoryId), { direction: 'backwards', maxCount: 1 })();
    if (E.isLeft(r)) throw new Error(`cannot read the sweep cursor of ${directoryId} (${r.left._tag})`);
    const last = r.right[0];
    if (last === undefined) return undefined;
    const d = Checkpointed.decode(last.event.data);
    if (E.isLeft(d)) throw new Error(`the sweep cursor of ${directoryId} (revision ${last.revision}) does not decode`);
    return { cursor: d.right.cursor, round: d.right.round };
  },
  save: async (directoryId, next) => {
    const appended = await store.appendToStream(
      sweepStream(directoryId),
      [
        {
          // Each save its own id: a second instance's save of the same round is a conflict, not the same append.
          id: `sweep/${directoryId}/${next.round}/${randomUUID()}`,
          type: SWEEP_CHECKPOINTED,
          data: { directoryId, cursor: next.cursor, at: isoNow(clock), round: next.round },
        },
      ],
      // One event per round: the stream's revision is the round before (revisions count from 0).
      { expectedVersion: next.round === 1 ? 'no-stream' : next.round - 2 },
    )();
    if (E.isRight(appended)) return true;
    if (appended.left._tag === 'VersionConflict' || appended.left._tag === 'DuplicateEventId') return false;
    throw new Error(`cannot save the sweep cursor of ${directoryId} (${appended.left._tag})`);
  },
});

const Linked = t.type({ userId: t.string, directoryId: t.string, externalKey: t.string });

/**
 * The fallback when a host gives no `linkedAccounts`: a map built from every `ExternalAccountLinked`
 * in the global order, caught up before each lookup. It grows with the users and is rebuilt from the
 * whole history after each start: a host with a persisted user list gives its view instead.
 */
export const scannedLinkedAccounts = (store: EventStore): LinkedAccounts => {
  const links = new Map<string, Set<UserId>>();
  let after: Checkpoint | undefined;
  const key = (directoryId: string, externalKey: string) => `${directoryId}\u0000${externalKey}`;
  const catchUp = async (): Promise<void> => {
    for (;;) {
      const page = await store.readAll({ ...(after === undefined ? {} : { after }), maxCount: 1000, filter: { streamPrefix: 'user-' } })();
      if (E.isLeft(page)) throw new Error(`cannot read the store (${page.left._tag})`);
      for (const e of page.right.events) {
        if (e.event.type !== 'ExternalAccountLinked') continue;
        const d = Linked.decode(e.event.data);
        if (E.isLeft(d)) continue;
        const k = key(d.right.directoryId, d.right.externalKey);
        links.set(k, new Set([...(links.get(k) ?? []), d.right.userId as UserId]));
      }
      after = page.right.checkpoint;
      if (page.right.events.length === 0) return;
    }
  };
  return {
    linkedUsers: async (directoryId, externalKeys) => {
      await catchUp();
      return [...new Set(externalKeys)].flatMap((externalKey) =>
        [...(links.get(key(directoryId, externalKey)) ?? [])].map((userId) => ({ externalKey, userId })),
      );
    },
  };
};
