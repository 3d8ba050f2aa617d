// A password change the process did not finish (issue 17 #3). `changeCredential` writes the new
// hash together with a *pending change* (the previous hash, the password version the events reach
// once its `SetPassword` is appended), then appends, then clears the marker. A `kill -9` (or a
// failed write) in between leaves the marker; whoever next finds it with its hold lapsed settles it
// from the events, which are the truth: the user's passwordVersion reached the target → the change
// landed and its hash stays; it did not → the user never got a success answer, the previous hash
// comes back. Every path that reads a credential to check a password goes through `readCredential`,
// and the start-up (and periodic) reconciliation settles the rest.
//
// The target version is exact because every password set of an existing user goes through a held
// row (`changeCredential`), so nothing else can append a `PasswordSet` while the change is pending.
// The one assumption: a holder finishes within its hold (CREDENTIAL_HOLD_MS, far above one hash and
// one append); a holder frozen past it could append after its change was settled.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { UserId } from '@takeover/core';
import { loadUser } from '@takeover/engine';
import type { CredentialRow } from '../db/hostDb.js';
import type { AppContext } from './context.js';
import type { Problem } from './hostApp.js';
import { problemOf } from './problems.js';

/** How long a settler holds the row: one read of the user's events and one write. */
const SETTLE_HOLD_MS = 30_000;
/** Past every hold: at the start of the only process on a SQLite host database, any hold is a dead one's. */
const END_OF_TIME = new Date(8_640_000_000_000_000);

export type Settled = 'kept' | 'restored';

/** The password version the user's events are at now (0 for a user that does not exist). */
export const passwordVersionOf = async (ctx: AppContext, userId: UserId): Promise<E.Either<Problem, number>> => {
  const loaded = await loadUser(ctx.store, userId)();
  if (E.isLeft(loaded)) return E.left(problemOf(loaded.left));
  const { state } = loaded.right;
  return E.right(state.status === 'present' ? state.passwordVersion : 0);
};

/**
 * Settles the pending change of a row the caller holds (as `holder`), from the events. `undefined`
 * when nothing was pending under that hold (already settled by someone else, or never pending).
 */
export const settleHeld = async (ctx: AppContext, userId: UserId, holder: string): Promise<E.Either<Problem, Settled | undefined>> => {
  const row = await ctx.db.credentialByUser(userId);
  if (row?.pending === undefined) return E.right(undefined);
  const version = await passwordVersionOf(ctx, userId);
  if (E.isLeft(version)) return version;
  const outcome = version.right >= row.pending.targetVersion ? 'keep' : 'restore';
  if (!(await ctx.db.endChange(userId, holder, outcome))) return E.right(undefined);
  ctx.logger.warn({ userId, outcome }, 'settled an unfinished password change from the events');
  return E.right(outcome === 'keep' ? 'kept' : 'restored');
};

/** Takes the row's lapsed hold, settles its pending change, gives the hold back. `undefined`: someone else holds it. */
const settleAbandoned = async (ctx: AppContext, userId: UserId, now: Date): Promise<E.Either<Problem, Settled | undefined>> => {
  const holder = randomUUID();
  if (!(await ctx.db.holdCredential(userId, holder, new Date(ctx.now().getTime() + SETTLE_HOLD_MS), now))) return E.right(undefined);
  try {
    return await settleHeld(ctx, userId, holder);
  } finally {
    await ctx.db.releaseCredential(userId, holder).catch(() => undefined); // it lapses by itself
  }
};

const lapsed = (row: CredentialRow, now: Date): boolean =>
  row.pending !== undefined && (row.pending.heldUntil === null || row.pending.heldUntil.getTime() <= now.getTime());

/**
 * The credential to check a password against: a row whose change was abandoned is settled first, so
 * the platform accepts exactly the password the events say. A change still held by a live request is
 * left to it. A problem when the events cannot be read to settle (never the unsettled hash).
 */
export const readCredential = async (
  ctx: AppContext,
  key: { readonly email: string } | { readonly userId: UserId },
): Promise<E.Either<Problem, CredentialRow | undefined>> => {
  const read = () => ('email' in key ? ctx.db.credentialByEmail(key.email) : ctx.db.credentialByUser(key.userId));
  const row = await read();
  if (row === undefined || !lapsed(row, ctx.now())) return E.right(row);
  const settled = await settleAbandoned(ctx, row.userId, ctx.now());
  if (E.isLeft(settled)) return settled;
  return E.right(await read());
};

/**
 * Settles every pending change whose hold has lapsed; `breakHolds` also those still held (at the
 * start of a host whose database no other process uses: any hold is a crashed run's).
 */
export const reconcileCredentials = async (
  ctx: AppContext,
  options: { readonly breakHolds: boolean },
): Promise<{ readonly kept: number; readonly restored: number }> => {
  const now = options.breakHolds ? END_OF_TIME : ctx.now();
  let kept = 0;
  let restored = 0;
  for (const userId of await ctx.db.abandonedChanges(now)) {
    const settled = await settleAbandoned(ctx, userId, now);
    if (E.isLeft(settled)) {
      ctx.logger.warn(
        { userId, problem: settled.left.kind },
        'cannot settle an unfinished password change now; the next read, start or round tries again',
      );
      continue;
    }
    if (settled.right === 'kept') kept += 1;
    if (settled.right === 'restored') restored += 1;
  }
  return { kept, restored };
};
