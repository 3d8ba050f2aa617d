// Setting a user's password (activation, a change in the portal) so that the platform's credential
// and the events never disagree (issue 17 #2, #3). Per user, one change at a time: the credential
// row is *held* (an expiring hold in the host database, so several instances and a crash are safe),
// the hash is compare-and-set against the one the caller checked, and only then does `SetPassword`
// run; if the engine refuses, the hash goes back. A change that finds the row held, or its hash
// already replaced, is refused with a conflict and changes nothing. The new hash is written with a
// pending marker that is cleared only once the events are known to have (or not have) the change,
// so a crash anywhere in between is settled from the events (pendingChange.ts).
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Secret, UserId } from '@takeover/core';
import { hashPassword } from '../db/passwords.js';
import type { AppContext } from './context.js';
import { execute, freshCommandId, nowIso } from './context.js';
import type { Outcome, Problem } from './hostApp.js';
import { passwordVersionOf, settleHeld } from './pendingChange.js';
import { conflict, unavailableFrom } from './problems.js';

/** Long enough for a hash and one engine command; a crashed holder's hold lapses after it. */
export const CREDENTIAL_HOLD_MS = 60_000;

export const CHANGE_IN_PROGRESS = conflict('another change of this password is in progress; nothing was changed, try again');
export const CHANGED_MEANWHILE = conflict('the password was changed by another request at the same time; nothing was changed');

export interface CredentialChange {
  readonly userId: UserId;
  readonly email: string;
  /**
   * The hash the caller checked the current password against: the change happens only while it is
   * still the stored one. `pending` for an activation: while the events say the password is pending,
   * any stored hash is a leftover of an activation that crashed before `SetPassword`, and is replaced.
   */
  readonly expected: { readonly hash: string } | 'pending';
  readonly password: Secret;
  readonly by: 'user-activation' | 'user-portal';
  /** Inside the hold, before anything is written: a refusal here changes nothing (e.g. "the link was already used"). */
  readonly stillValid?: () => Promise<E.Either<Problem, void>>;
}

export const changeCredential = async (ctx: AppContext, change: CredentialChange): Outcome<void> => {
  const { userId, email } = change;
  if ((await ctx.db.credentialByUser(userId)) === undefined) {
    // A user the host has no row for (created before the host kept credentials): its row, confirmed.
    if ((await ctx.db.reserveEmail(email, userId, { confirmed: true })) === 'taken')
      return E.left(conflict(`another user already has the email ${email}`));
  }
  const holder = randomUUID();
  const now = ctx.now();
  if (!(await ctx.db.holdCredential(userId, holder, new Date(now.getTime() + CREDENTIAL_HOLD_MS), now))) return E.left(CHANGE_IN_PROGRESS);
  try {
    // The hold was free, so a change still pending here was abandoned: settle it before anything else.
    const settled = await settleHeld(ctx, userId, holder);
    if (E.isLeft(settled)) return settled;
    if (change.stillValid !== undefined) {
      const valid = await change.stillValid();
      if (E.isLeft(valid)) return valid;
    }
    const expected = change.expected === 'pending' ? ((await ctx.db.credentialByUser(userId))?.hash ?? null) : change.expected.hash;
    // While the row is held no other `PasswordSet` can be appended: this change's lands at the next version.
    const version = await passwordVersionOf(ctx, userId);
    if (E.isLeft(version)) return version;
    let hash: string;
    try {
      hash = await hashPassword(change.password, ctx.scrypt);
    } catch (e) {
      return E.left(unavailableFrom('hashing the password', e));
    }
    if (!(await ctx.db.beginChange(userId, holder, { expected, hash, targetVersion: version.right + 1 }))) return E.left(CHANGED_MEANWHILE);
    await ctx.testHooks.credentialWritten?.(userId);
    const done = await execute(ctx, {
      type: 'SetPassword',
      commandId: freshCommandId(),
      userId,
      at: nowIso(ctx),
      password: change.password,
      by: change.by === 'user-activation' ? { role: 'user', via: 'activation' } : { role: 'user', via: 'portal' },
    });
    if (E.isRight(done)) {
      await ctx.testHooks.passwordSet?.(userId);
      // Left pending if this write fails: the events have the change, so settling keeps it.
      await ctx.db
        .endChange(userId, holder, 'keep')
        .catch((e: unknown) =>
          ctx.logger.warn(
            { userId, err: { type: (e as Error).name } },
            'could not clear a finished password change; it is settled at the next read',
          ),
        );
      return E.right(undefined);
    }
    // A refusal, or an outcome the engine could not report (the append may have landed): the events decide.
    const after = await settleHeld(ctx, userId, holder).catch((e: unknown) => E.left(unavailableFrom('the credential store', e)));
    if (E.isLeft(after)) {
      ctx.logger.error({ userId }, 'could not settle a failed password change now; it is settled at the next read or start');
      return done;
    }
    if (after.right === 'kept') {
      ctx.logger.warn(
        { userId, problem: done.left.kind },
        'the engine reported a problem, but the events have the new password: the change stands',
      );
      return E.right(undefined);
    }
    return done;
  } finally {
    await ctx.db
      .releaseCredential(userId, holder)
      .catch((e: unknown) =>
        ctx.logger.warn({ userId, err: { type: (e as Error).name } }, 'could not release a credential hold; it lapses by itself'),
      );
  }
};
