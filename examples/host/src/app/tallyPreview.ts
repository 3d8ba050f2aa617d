// A bulk action's counts on "everything matching this filter", from the user list's tally (indexed
// GROUP BY queries over the read model) instead of reading every user's stream: per directory the
// accounts linked or created, suspended and reactivated, and the mails. The same rules as
// `effectsOf` (effects.ts), applied to groups of users instead of one user; the API test compares
// both with what the job then does.
import type { Directories, DirectoryId } from '@takeover/core';
import type { BindingTallyGroup, UserTally, UserTallyGroup } from '@takeover/engine';
import type { DirectoryPreview } from './bulk.js';
import type { BulkAction } from './effects.js';

export interface TallyCounts {
  readonly users: number;
  readonly changing: number;
  readonly activationEmails: number;
  readonly perDirectory: ReadonlyMap<DirectoryId, DirectoryCounts>;
}

/** A directory's counts in the preview (`DirectoryPreview` without its id and name). */
type DirectoryCounts = Omit<DirectoryPreview, 'id' | 'name'>;
type Counts = { -readonly [K in keyof DirectoryCounts]: number };

const sum = <T extends { readonly count: number }>(xs: ReadonlyArray<T>, p: (x: T) => boolean): number =>
  xs.reduce((n, x) => (p(x) ? n + x.count : n), 0);

/** What `action` would do to the users of `tally`, counted (`directoryId` for bind and unbind). */
export const tallyCounts = (
  action: BulkAction,
  tally: UserTally,
  directories: Directories,
  known: ReadonlyArray<DirectoryId>,
  directoryId?: DirectoryId,
): TallyCounts => {
  const U = (p: (g: UserTallyGroup) => boolean) => sum(tally.users, p);
  const B = (dir: DirectoryId, p: (g: BindingTallyGroup) => boolean) => sum(tally.bindings, (g) => g.directoryId === dir && p(g));
  const per = new Map<DirectoryId, Counts>(
    known.map((id) => [
      id,
      {
        bound: 0,
        unbound: 0,
        accountsLinkedOrCreated: 0,
        accountsLinked: 0,
        accountsSuspended: 0,
        accountsReactivated: 0,
        bindingEmails: 0,
      },
    ]),
  );
  const users = U(() => true);
  let changing = 0;
  let activationEmails = 0;
  switch (action) {
    case 'bind': {
      const d = directoryId === undefined ? undefined : directories[directoryId];
      const here = directoryId === undefined ? undefined : per.get(directoryId);
      if (directoryId === undefined || d === undefined) break;
      changing = users - B(directoryId, () => true);
      const pending = (g: UserTallyGroup | BindingTallyGroup) =>
        g.state === 'active' && g.passwordStatus === 'pending' && !g.activationSent;
      const active = (g: UserTallyGroup | BindingTallyGroup) => g.state === 'active' && g.passwordStatus === 'active';
      activationEmails = U(pending) - B(directoryId, pending);
      if (here !== undefined) {
        here.bound = changing;
        if (d.policy.createMissingUsers) here.accountsLinkedOrCreated = changing;
        else here.accountsLinked = changing;
        here.bindingEmails = U(active) - B(directoryId, active);
      }
      break;
    }
    case 'unbind': {
      if (directoryId === undefined) break;
      changing = B(directoryId, () => true);
      const here = per.get(directoryId);
      if (here === undefined) break;
      here.unbound = changing;
      if (directories[directoryId]?.policy.onUnbind === 'suspend')
        here.accountsSuspended = B(directoryId, (g) => g.linked && !g.accountSuspended);
      break;
    }
    case 'suspend': {
      changing = U((g) => g.state !== 'suspended');
      for (const [id, c] of per)
        if (directories[id]?.policy.onSuspend === 'suspend')
          c.accountsSuspended = B(id, (g) => g.state !== 'suspended' && g.linked && !g.accountSuspended);
      break;
    }
    case 'activate': {
      changing = U((g) => g.state !== 'active');
      activationEmails = U((g) => g.state !== 'active' && g.passwordStatus === 'pending' && !g.activationSent && g.anyBinding);
      for (const [id, c] of per) {
        c.accountsReactivated = B(id, (g) => g.state !== 'active' && g.linked && g.accountSuspended);
        c.bindingEmails = B(id, (g) => g.state !== 'active' && g.passwordStatus === 'active' && g.bindingMailOwed);
      }
      break;
    }
    case 'resend-activation': {
      changing = U((g) => g.state === 'active' && g.passwordStatus === 'pending');
      activationEmails = changing;
      break;
    }
  }
  return { users, changing, activationEmails, perDirectory: per };
};
