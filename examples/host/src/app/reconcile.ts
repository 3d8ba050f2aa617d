// Email reservations left by a crash (issue 17 #5): `createUser` reserves the email (unconfirmed),
// runs `CreateUser`, then confirms. A process killed in between leaves a reservation whose user may
// or may not exist in the store. Reconciling asks the store: the user exists → confirm; it does not →
// free the email. At start-up with the SQLite host database (one process) every unconfirmed
// reservation is settled at once; with PostgreSQL (several instances) only those older than a grace
// period, since another instance may be between the two steps right now; and periodically.
import * as E from 'fp-ts/lib/Either.js';
import { loadUser } from '@takeover/engine';
import type { AppContext } from './context.js';

/** How old an unconfirmed reservation must be before another instance may settle it. */
export const RESERVATION_GRACE_MS = 5 * 60_000;

export const reconcileReservations = async (
  ctx: AppContext,
  graceMs: number,
): Promise<{ readonly freed: number; readonly confirmed: number }> => {
  const rows = await ctx.db.unconfirmed(new Date(ctx.now().getTime() - graceMs));
  let freed = 0;
  let confirmed = 0;
  for (const row of rows) {
    const loaded = await loadUser(ctx.store, row.userId)();
    if (E.isLeft(loaded)) {
      ctx.logger.warn(
        { userId: row.userId, error: loaded.left._tag },
        'cannot reconcile an email reservation now; the next start or round tries again',
      );
      continue;
    }
    if (loaded.right.state.status === 'present') {
      await ctx.db.confirmEmail(row.userId);
      confirmed += 1;
    } else {
      await ctx.db.releaseEmail(row.email, row.userId);
      freed += 1;
    }
  }
  if (freed + confirmed > 0) ctx.logger.warn({ freed, confirmed }, 'reconciled email reservations left by an interrupted user creation');
  return { freed, confirmed };
};
