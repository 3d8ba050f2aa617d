import { ok as assert, strictEqual } from 'node:assert';
import type { PasswordChange, PasswordChangePage } from '../port.js';
import type { CheckContext, ConformanceCheck } from './run.js';
import { fail } from './run.js';

const fmt = (d: Date): string => d.toISOString();

/** The methods the declared capability needs, or undefined when it declares none (asserting the methods are absent then). */
const detection = (ctx: CheckContext) => {
  const { connector, target } = ctx;
  const { atLogin, sweep } = connector.capabilities.externalChanges;
  if (!atLogin)
    strictEqual(
      connector.externalPasswordChange,
      undefined,
      'externalChanges.atLogin is false but the connector has externalPasswordChange',
    );
  if (!sweep)
    strictEqual(connector.passwordChangesSince, undefined, 'externalChanges.sweep is false but the connector has passwordChangesSince');
  if (!atLogin && !sweep) return undefined;
  const one = atLogin
    ? (connector.externalPasswordChange ?? fail('externalChanges.atLogin is true but the connector has no externalPasswordChange'))
    : undefined;
  const since = sweep
    ? (connector.passwordChangesSince ?? fail('externalChanges.sweep is true but the connector has no passwordChangesSince'))
    : undefined;
  const asUser = target.changePasswordAsUser ?? fail('the connector declares externalChanges but the target has no changePasswordAsUser');
  return { one, since, asUser };
};

/** A whole sweep: pages until the round ends (at most 100). */
const sweep = async (
  ctx: CheckContext,
  since: NonNullable<ReturnType<typeof detection>>['since'],
  cursor: string | null,
): Promise<PasswordChangePage> => {
  if (since === undefined) return fail('no passwordChangesSince');
  const changes: PasswordChange[] = [];
  let at = cursor;
  for (let i = 0; i < 100; i++) {
    const page = await ctx.ok(since(at));
    changes.push(...page.changes);
    assert(page.cursor.length > 0, 'each page gives a cursor to continue from');
    if (!page.more) return { changes, cursor: page.cursor, more: false };
    at = page.cursor;
  }
  return fail('a sweep round did not end within 100 pages');
};

/** Resolves once the wall clock is in the grain after the one holding `at`. */
const clockPast = async (at: number, grainMs: number): Promise<void> => {
  const next = Math.floor(at / grainMs) * grainMs + grainMs;
  while (Date.now() < next) await new Promise((resolve) => setTimeout(resolve, Math.max(1, next - Date.now())));
};

const about = (changes: ReadonlyArray<PasswordChange>, id: string) => changes.filter((c) => c.externalId === id);

export const externalChangeChecks: ReadonlyArray<ConformanceCheck> = [
  {
    name: 'external changes: a password the user changed in the directory is reported (at login and in a sweep)',
    run: async (ctx) => {
      const d = detection(ctx);
      if (d === undefined) return;
      const u = await ctx.seed('external');
      const start = d.since === undefined ? undefined : await sweep(ctx, d.since, null);
      await ctx.ok(ctx.connector.push({ externalId: u.id, password: ctx.newPassword().secret }));
      const ours = Date.now();
      // A directory dates changes to its own grain (passwordChangePrecisionMs): a change in the same
      // grain as our push cannot be told from it, by the engine or by this check. The user's change is
      // made once the clock has reached the next grain (waiting on the clock, not on a guess of speed).
      await clockPast(ours, ctx.connector.passwordChangePrecisionMs ?? 1);
      await d.asUser(u.id, ctx.newPassword().plain);
      if (d.one !== undefined) {
        const r = await ctx.ok(d.one(u.id));
        assert(r !== null, 'after the user changed the password in the directory, externalPasswordChange reports a change');
        strictEqual(r.externalId, u.id, 'the change reported is the account asked about');
        assert(r.changedAt.getTime() > ours, `the user's change is dated after our push (${fmt(r.changedAt)} vs ${fmt(new Date(ours))})`);
      }
      if (d.since !== undefined && start !== undefined) {
        const page = await sweep(ctx, d.since, start.cursor);
        assert(
          about(page.changes, u.id).some((c) => c.changedAt.getTime() > ours),
          `a sweep from the cursor before it reports the user's change (got ${page.changes.length} changes)`,
        );
      }
    },
  },
  {
    name: 'external changes: our own push is never reported as a later change',
    run: async (ctx) => {
      const d = detection(ctx);
      if (d === undefined) return;
      const u = await ctx.seed('ours');
      const start = d.since === undefined ? undefined : await sweep(ctx, d.since, null);
      await ctx.ok(ctx.connector.push({ externalId: u.id, password: ctx.newPassword().secret }));
      const ours = Date.now();
      // The engine takes a change dated after its own push's success for someone else's: ours must not be.
      if (d.one !== undefined) {
        const r = await ctx.ok(d.one(u.id));
        assert(
          r === null || r.changedAt.getTime() <= ours,
          `our own push is not reported as a change after it (${r === null ? '' : fmt(r.changedAt)} vs ${fmt(new Date(ours))})`,
        );
      }
      if (d.since !== undefined && start !== undefined) {
        const page = await sweep(ctx, d.since, start.cursor);
        const later = about(page.changes, u.id).filter((c) => c.changedAt.getTime() > ours);
        strictEqual(
          later.length,
          0,
          `a sweep after our own push reports no change after it (got ${later.map((c) => fmt(c.changedAt)).join(', ')})`,
        );
      }
    },
  },
];
