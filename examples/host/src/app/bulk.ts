// Bulk actions (POST /api/bulk) and resending an activation mail (POST /api/users/:id/activation-mail).
// A bulk action targets listed users or everything matching a user-list filter; a dry run answers
// the preview (effects.ts: per user and per directory what will happen; for a filter, the counts
// come from the read model's tally, tallyPreview.ts), a real one stores a job
// (jobs.ts) with one item per user. Each item's command id is derived from (job, user), so a
// resumed or repeated item never applies twice; an idempotency key (the client's, or one derived
// from the request while its job runs) makes a double click one job.
import { createHash, randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Directories, DirectoryId, ExistingUser, UserCommand, UserId } from '@takeover/core';
import { commandId, currentBindings, directoryLabel } from '@takeover/core';
import type { Mailer, UserListFilter } from '@takeover/engine';
import { activationMail, filterProblem, loadDirectories, loadUser } from '@takeover/engine';
import type { AppContext } from './context.js';
import { caughtUp, directorySetup, execute, nowIso } from './context.js';
import type { BulkAction, UserEffects } from './effects.js';
import { BULK_ACTIONS, effectsOf } from './effects.js';
import { tallyCounts } from './tallyPreview.js';
import type { AdminPrincipal, Outcome, Problem } from './hostApp.js';
import { conflict, invalid, notFound, unavailable } from './problems.js';
import { ACTIVATION_VALID_FOR } from './tokens.js';

export const MAX_BULK_USERS = 100_000;
/** Users listed one by one in a preview (the counts always cover every user). */
export const PREVIEW_USERS = 1_000;
/** How long after its job is done a repeated request without an Idempotency-Key still answers that job. */
export const AUTO_KEY_MS = 60_000;

export interface BulkRequest {
  readonly action: BulkAction;
  readonly directoryId?: string;
  readonly userIds?: ReadonlyArray<string>;
  readonly filter?: UserListFilter;
  readonly dryRun: boolean;
}

export interface DirectoryPreview {
  readonly id: DirectoryId;
  readonly name: string;
  readonly bound: number;
  readonly unbound: number;
  readonly accountsLinkedOrCreated: number;
  readonly accountsLinked: number;
  readonly accountsSuspended: number;
  readonly accountsReactivated: number;
  readonly bindingEmails: number;
}

export interface BulkPreview {
  readonly action: BulkAction;
  readonly directoryId?: DirectoryId;
  /** Users targeted. */
  readonly users: number;
  /** Users the action changes; the others are skipped, each with its reason. */
  readonly changing: number;
  readonly skipped: number;
  readonly directories: ReadonlyArray<DirectoryPreview>;
  readonly activationEmails: number;
  /** One sentence per kind of effect: "binds 200 users to Google Workspace (example.com); …". */
  readonly summary: ReadonlyArray<string>;
  /** The first PREVIEW_USERS users, each with its effects or why it is skipped. */
  readonly perUser: ReadonlyArray<UserEffects>;
  readonly truncated: boolean;
}

const KEYS = ['action', 'directoryId', 'userIds', 'filter', 'dryRun'];
const FILTER_KEYS = ['state', 'directoryId', 'sync', 'failingReason', 'text'];

/** Decodes the body of POST /api/bulk; every refusal names the field and says what is wrong. */
export const decodeBulk = (body: unknown): E.Either<Problem, BulkRequest> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return E.left(invalid('body', 'must be a JSON object'));
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).find((k) => !KEYS.includes(k));
  if (extra !== undefined) return E.left(invalid(extra.slice(0, 50), `is not a field of a bulk action (expected ${KEYS.join(', ')})`));
  const action = b.action;
  if (typeof action !== 'string' || !(BULK_ACTIONS as ReadonlyArray<string>).includes(action))
    return E.left(invalid('action', `must be one of ${BULK_ACTIONS.join(', ')}`));
  const a = action as BulkAction;
  const directoryId = b.directoryId;
  if (directoryId !== undefined && (typeof directoryId !== 'string' || directoryId.length === 0 || directoryId.length > 200))
    return E.left(invalid('directoryId', 'must be a directory id (text)'));
  if ((a === 'bind' || a === 'unbind') && directoryId === undefined) return E.left(invalid('directoryId', `is required for ${a}`));
  if (a !== 'bind' && a !== 'unbind' && directoryId !== undefined) return E.left(invalid('directoryId', 'applies to bind and unbind only'));
  if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') return E.left(invalid('dryRun', 'must be true or false'));
  if (b.userIds === undefined && b.filter === undefined)
    return E.left(invalid('userIds', 'give the users: userIds (a list) or filter (everything matching it)'));
  if (b.userIds !== undefined && b.filter !== undefined) return E.left(invalid('filter', 'give either userIds or filter, not both'));
  let userIds: string[] | undefined;
  if (b.userIds !== undefined) {
    if (!Array.isArray(b.userIds) || b.userIds.length === 0) return E.left(invalid('userIds', 'must be a non-empty list of user ids'));
    if (b.userIds.length > MAX_BULK_USERS)
      return E.left(invalid('userIds', `lists more than ${String(MAX_BULK_USERS)} users; use a filter`));
    const bad = (b.userIds as unknown[]).findIndex((u) => typeof u !== 'string' || u.length === 0 || u.length > 200);
    if (bad !== -1) return E.left(invalid(`userIds[${String(bad)}]`, 'must be a user id (text of 1 to 200 characters)'));
    userIds = [...new Set(b.userIds as string[])];
  }
  let filter: UserListFilter | undefined;
  if (b.filter !== undefined) {
    if (typeof b.filter !== 'object' || b.filter === null || Array.isArray(b.filter))
      return E.left(invalid('filter', 'must be an object (state, directoryId, sync, failingReason, text)'));
    const f = b.filter as Record<string, unknown>;
    const unknownKey = Object.keys(f).find((k) => !FILTER_KEYS.includes(k));
    if (unknownKey !== undefined)
      return E.left(invalid(`filter.${unknownKey.slice(0, 50)}`, `is not a filter (expected ${FILTER_KEYS.join(', ')})`));
    const notText = FILTER_KEYS.find((k) => f[k] !== undefined && (typeof f[k] !== 'string' || f[k].length > 200));
    if (notText !== undefined) return E.left(invalid(`filter.${notText}`, 'must be text of at most 200 characters'));
    filter = f;
    const problem = filterProblem(filter);
    if (problem !== undefined) return E.left(invalid('filter', problem.replace(/^user list: /, '')));
  }
  return E.right({
    action: a,
    dryRun: b.dryRun === true,
    ...(directoryId === undefined ? {} : { directoryId }),
    ...(userIds === undefined ? {} : { userIds }),
    ...(filter === undefined ? {} : { filter }),
  });
};

interface Spec {
  readonly action: BulkAction;
  readonly directoryId?: DirectoryId;
  readonly by: string;
}

const summaryOf = (action: BulkAction, changing: number, dirs: ReadonlyArray<DirectoryPreview>, activationEmails: number): string[] => {
  const n = (k: number, what: string) => `${String(k)} ${what}${k === 1 ? '' : 's'}`;
  const lines: string[] = [];
  if (action === 'suspend') lines.push(`suspends ${n(changing, 'user')} (they can no longer log in)`);
  if (action === 'activate') lines.push(`activates ${n(changing, 'user')}`);
  for (const d of dirs) {
    if (d.bound > 0) lines.push(`binds ${n(d.bound, 'user')} to ${d.name}`);
    if (d.unbound > 0) lines.push(`stops managing ${n(d.unbound, 'user')} in ${d.name}`);
    if (d.accountsLinkedOrCreated > 0)
      lines.push(`links ${n(d.accountsLinkedOrCreated, 'account')} in ${d.name} by email, creating those that do not exist`);
    if (d.accountsLinked > 0) lines.push(`links ${n(d.accountsLinked, 'account')} in ${d.name} by email (none is created)`);
    if (d.accountsSuspended > 0) lines.push(`suspends ${n(d.accountsSuspended, 'account')} in ${d.name}`);
    if (d.accountsReactivated > 0) lines.push(`reactivates ${n(d.accountsReactivated, 'account')} in ${d.name}`);
    if (d.bindingEmails > 0) lines.push(`sends ${n(d.bindingEmails, 'email')} asking to log in once to finish connecting ${d.name}`);
  }
  if (activationEmails > 0) lines.push(`sends ${n(activationEmails, 'activation email')}`);
  if (lines.length === 0) lines.push('changes nothing');
  return lines;
};

export interface BulkService {
  readonly bulk: (
    by: AdminPrincipal,
    request: BulkRequest,
    idempotencyKey?: string,
  ) => Outcome<{ readonly preview: BulkPreview } | { readonly jobId: string; readonly created: boolean }>;
  /** What one action would do to one user (the console's confirmations). */
  readonly effects: (action: BulkAction, userId: string, directoryId?: string) => Outcome<UserEffects>;
  readonly resendActivation: (by: AdminPrincipal, userId: string) => Outcome<{ readonly sentTo: string }>;
}

export const bulkService = (ctx: AppContext, mailer: Mailer): BulkService => {
  const allDirectories = async (): Promise<Directories> => {
    const loaded = await loadDirectories(
      ctx.store,
      ctx.directories.map((d) => d.id),
    )();
    if (E.isLeft(loaded)) throw new Error(`cannot read the directories: ${loaded.left._tag}`);
    return loaded.right;
  };
  const userOf = async (id: string): Promise<ExistingUser | undefined> => {
    const loaded = await loadUser(ctx.store, id as UserId)();
    if (E.isLeft(loaded)) throw new Error(`cannot read the user: ${loaded.left._tag}`);
    return loaded.right.state.status === 'present' ? loaded.right.state : undefined;
  };

  /**
   * Sends a fresh activation link; `key` makes a retry of the same request send the same mail once,
   * and record once in the user's audit log that `by` sent it (never the link: R14).
   */
  const sendActivation = async (user: ExistingUser, directories: Directories, key: string, by: string): Promise<void> => {
    const notBefore = await ctx.db.renewActivation(user.userId, key, ctx.now());
    const url = `${ctx.config.publicUrl}/portal/activate?token=${encodeURIComponent(ctx.activation.mint(user.userId, notBefore.getTime()))}`;
    const bound = currentBindings(user).flatMap((b) => {
      const d = directories[b.directoryId];
      return d === undefined ? [] : [d];
    });
    const rendered = activationMail(
      {
        platformName: ctx.config.platformName,
        portalUrl: `${ctx.config.publicUrl}/portal`,
        activationUrl: () => url,
        activationLinkValidFor: ACTIVATION_VALID_FOR,
      },
      user.attributes,
      bound,
      user.userId,
    );
    const sent = await mailer.send({
      id: `notice/activation-resent/${user.userId}/${String(notBefore.getTime())}`,
      to: user.attributes.email,
      ...rendered,
    })();
    if (E.isLeft(sent)) throw new Error(`the activation mail was not sent: ${sent.left.message}`);
    await ctx.db.recordAudit({
      key: `activation-resent/${key}`,
      userId: user.userId,
      at: ctx.now(),
      by: `admin:${by}`,
      type: 'ActivationLinkResent',
      summary: `Activation link sent again to ${user.attributes.email}; earlier links no longer work`,
    });
  };

  const commandFor = (spec: Spec, user: ExistingUser, jobId: string): UserCommand | undefined => {
    const base = {
      commandId: commandId(`bulk/${jobId}/${user.userId}`),
      userId: user.userId,
      at: nowIso(ctx),
      by: { role: 'admin' as const, id: spec.by },
    };
    switch (spec.action) {
      case 'bind':
        return spec.directoryId === undefined
          ? undefined
          : { ...base, type: 'BindDirectory', directoryId: spec.directoryId, origin: 'admin' };
      case 'unbind':
        return spec.directoryId === undefined ? undefined : { ...base, type: 'UnbindDirectory', directoryId: spec.directoryId };
      case 'suspend':
        return { ...base, type: 'SuspendUser' };
      case 'activate':
        return { ...base, type: 'ActivateUser' };
      case 'resend-activation':
        return undefined;
    }
  };

  ctx.jobs.register('bulk', async (item, job) => {
    const spec = JSON.parse(job.spec) as Spec;
    const user = await userOf(item);
    if (user === undefined) return { ok: false, outcome: 'failed: the user no longer exists' };
    const directories = await allDirectories();
    const planned = effectsOf(spec.action, user, directories, spec.directoryId);
    if (planned.skipped !== undefined) return { ok: true, outcome: `skipped: ${planned.skipped}` };
    if (spec.action === 'resend-activation') {
      await sendActivation(user, directories, `job/${job.id}/${String(job.seq)}`, spec.by);
      return { ok: true, outcome: planned.effects.map((e) => e.text).join('; ') };
    }
    const command = commandFor(spec, user, job.id);
    if (command === undefined) return { ok: false, outcome: 'failed: no directory given' };
    const done = await execute(ctx, command);
    if (E.isLeft(done)) return { ok: false, outcome: `failed: ${reasonText(done.left)}` };
    if (spec.action === 'suspend') await ctx.db.deleteSessionsOf('portal', user.userId);
    return { ok: true, outcome: planned.effects.map((e) => e.text).join('; ') };
  });

  const targets = async (request: BulkRequest): Promise<E.Either<Problem, ReadonlyArray<string>>> => {
    if (request.userIds !== undefined) return E.right(request.userIds);
    await caughtUp(ctx);
    const ids: string[] = [];
    for await (const id of ctx.read.users.ids(request.filter ?? {})) {
      ids.push(id);
      if (ids.length > MAX_BULK_USERS) return E.left(invalid('filter', `matches more than ${String(MAX_BULK_USERS)} users; narrow it`));
    }
    return E.right(ids);
  };

  const preview = async (request: BulkRequest, ids: ReadonlyArray<string>): Promise<E.Either<Problem, BulkPreview>> => {
    const directories = await allDirectories();
    const perUser: UserEffects[] = [];
    const dirs = new Map<DirectoryId, { -readonly [K in keyof DirectoryPreview]: DirectoryPreview[K] }>();
    for (const d of ctx.directories) {
      const info = directories[d.id];
      dirs.set(d.id, {
        id: d.id,
        name: info === undefined ? d.id : directoryLabel(info),
        bound: 0,
        unbound: 0,
        accountsLinkedOrCreated: 0,
        accountsLinked: 0,
        accountsSuspended: 0,
        accountsReactivated: 0,
        bindingEmails: 0,
      });
    }
    let changing = 0;
    let activationEmails = 0;
    for (const id of ids) {
      const user = await userOf(id);
      if (user === undefined) return E.left(notFound('user', id));
      const fx = effectsOf(request.action, user, directories, request.directoryId as DirectoryId | undefined);
      if (perUser.length < PREVIEW_USERS) perUser.push(fx);
      if (fx.skipped !== undefined) continue;
      changing++;
      for (const e of fx.effects) {
        if (e.kind === 'activation-email') activationEmails++;
        const d = e.directoryId === undefined ? undefined : dirs.get(e.directoryId);
        if (d === undefined) continue;
        if (e.kind === 'bound') d.bound++;
        else if (e.kind === 'unbound') d.unbound++;
        else if (e.kind === 'account-linked-or-created') d.accountsLinkedOrCreated++;
        else if (e.kind === 'account-linked') d.accountsLinked++;
        else if (e.kind === 'account-suspended') d.accountsSuspended++;
        else if (e.kind === 'account-reactivated') d.accountsReactivated++;
        else if (e.kind === 'binding-email') d.bindingEmails++;
      }
    }
    const list = [...dirs.values()];
    return E.right({
      action: request.action,
      ...(request.directoryId === undefined ? {} : { directoryId: request.directoryId as DirectoryId }),
      users: ids.length,
      changing,
      skipped: ids.length - changing,
      directories: list,
      activationEmails,
      summary: summaryOf(request.action, changing, list, activationEmails),
      perUser,
      truncated: ids.length > perUser.length,
    });
  };

  /**
   * The preview of "everything matching this filter": the counts from the user list's tally (indexed
   * queries, however many users match), the first PREVIEW_USERS users one by one from their streams.
   */
  const filterPreview = async (request: BulkRequest, filter: UserListFilter): Promise<E.Either<Problem, BulkPreview>> => {
    await caughtUp(ctx);
    const directories = await allDirectories();
    const dirId = request.directoryId as DirectoryId | undefined;
    const counts = tallyCounts(
      request.action,
      await ctx.read.users.tally(filter),
      directories,
      ctx.directories.map((d) => d.id),
      dirId,
    );
    if (counts.users > MAX_BULK_USERS) return E.left(invalid('filter', `matches more than ${String(MAX_BULK_USERS)} users; narrow it`));
    const perUser: UserEffects[] = [];
    for await (const id of ctx.read.users.ids(filter)) {
      if (perUser.length >= PREVIEW_USERS) break;
      const user = await userOf(id);
      if (user !== undefined) perUser.push(effectsOf(request.action, user, directories, dirId));
    }
    const list = ctx.directories.map((d): DirectoryPreview => {
      const info = directories[d.id];
      const c = counts.perDirectory.get(d.id);
      return {
        id: d.id,
        name: info === undefined ? d.id : directoryLabel(info),
        bound: c?.bound ?? 0,
        unbound: c?.unbound ?? 0,
        accountsLinkedOrCreated: c?.accountsLinkedOrCreated ?? 0,
        accountsLinked: c?.accountsLinked ?? 0,
        accountsSuspended: c?.accountsSuspended ?? 0,
        accountsReactivated: c?.accountsReactivated ?? 0,
        bindingEmails: c?.bindingEmails ?? 0,
      };
    });
    return E.right({
      action: request.action,
      ...(dirId === undefined ? {} : { directoryId: dirId }),
      users: counts.users,
      changing: counts.changing,
      skipped: counts.users - counts.changing,
      directories: list,
      activationEmails: counts.activationEmails,
      summary: summaryOf(request.action, counts.changing, list, counts.activationEmails),
      perUser,
      truncated: counts.users > perUser.length,
    });
  };

  return {
    bulk: async (by, request, idempotencyKey) => {
      if (request.directoryId !== undefined && directorySetup(ctx, request.directoryId) === undefined)
        return E.left(notFound('directory', request.directoryId));
      if (request.dryRun && request.filter !== undefined)
        return E.map((p: BulkPreview) => ({ preview: p }))(await filterPreview(request, request.filter));
      const ids = await targets(request);
      if (E.isLeft(ids)) return ids;
      if (request.dryRun) return E.map((p: BulkPreview) => ({ preview: p }))(await preview(request, ids.right));
      if (ids.right.length === 0) return E.left(invalid('filter', 'matches no user; nothing to do'));
      if (request.userIds !== undefined) {
        // Every listed user must exist before a job is made (the preview says the same).
        for (const id of ids.right) if ((await userOf(id)) === undefined) return E.left(notFound('user', id));
      }
      const spec: Spec = {
        action: request.action,
        ...(request.directoryId === undefined ? {} : { directoryId: request.directoryId as DirectoryId }),
        by: by.id,
      };
      // Without the client's key, the same request by the same admin joins its job while it runs and
      // for a minute after (a double click on a fast job); the client's key holds for good.
      const started = await ctx.jobs.start({
        kind: 'bulk',
        createdBy: by.id,
        spec: JSON.stringify(spec),
        items: ids.right,
        ...(idempotencyKey === undefined
          ? {
              idempotencyKey: `auto:${createHash('sha256')
                .update(JSON.stringify([by.id, spec, [...ids.right].sort()]))
                .digest('hex')}`,
              keyExpiresAfterDoneMs: AUTO_KEY_MS,
            }
          : { idempotencyKey: `client:${by.id}:${idempotencyKey}` }),
      });
      ctx.logger.info(
        { jobId: started.jobId, action: request.action, users: ids.right.length, by: by.id, created: started.created },
        'bulk action started',
      );
      return E.right(started);
    },
    effects: async (action, userId, directoryId) => {
      if (directoryId !== undefined && directorySetup(ctx, directoryId) === undefined) return E.left(notFound('directory', directoryId));
      const user = await userOf(userId);
      if (user === undefined) return E.left(notFound('user', userId.slice(0, 200)));
      return E.right(effectsOf(action, user, await allDirectories(), directoryId as DirectoryId | undefined));
    },
    resendActivation: async (by, userId) => {
      if (userId.length === 0 || userId.length > 200) return E.left(notFound('user', userId.slice(0, 200)));
      const user = await userOf(userId);
      if (user === undefined) return E.left(notFound('user', userId));
      if (user.passwordStatus !== 'pending')
        return E.left(
          conflict(`${user.attributes.email} already has a password; an activation link is only for a user whose password is pending`),
        );
      if (user.state !== 'active')
        return E.left(conflict(`${user.attributes.email} is ${user.state}; activate the user before sending an activation link`));
      try {
        await sendActivation(user, await allDirectories(), `resend/${randomUUID()}`, by.id);
      } catch (e) {
        ctx.logger.warn({ err: { type: (e as Error).name }, userId }, 'resending the activation mail failed');
        return E.left(unavailable('the activation mail could not be sent; try again'));
      }
      ctx.logger.info({ userId, by: by.id }, 'activation mail resent (earlier links no longer work)');
      return E.right({ sentTo: user.attributes.email });
    },
  };
};

/** A problem in words for a job's result line. */
const reasonText = (p: Problem): string => {
  switch (p.kind) {
    case 'invalid':
      return `${p.field} ${p.reason}`;
    case 'not-found':
      return `${p.what} not found`;
    case 'conflict':
    case 'forbidden':
    case 'unavailable':
      return p.reason;
    case 'rejected':
      return p.reason;
    case 'unauthorized':
      return 'not allowed';
    case 'throttled':
      return `throttled; retry in ${String(p.retryAfterSeconds)} s`;
  }
};
