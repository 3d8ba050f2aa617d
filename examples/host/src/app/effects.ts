// What an admin action will do, before it is done: per user and per directory, the accounts that
// will be linked or created, suspended or reactivated, and the emails that will be sent. One pure
// function of the user's state and the directories' policies, used by the bulk preview
// (`POST /api/bulk` with `dryRun`) and by the console's confirmations for one user, so both say the
// same thing. It reads the same state the core decides from (lifecycle policy, notices sent).
import type { Directories, DirectoryId, ExistingUser } from '@takeover/core';
import { activationNoticeId, bindingNoticeId, currentBindings, directoryLabel } from '@takeover/core';

export const BULK_ACTIONS = ['bind', 'unbind', 'suspend', 'activate', 'resend-activation'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export type EffectKind =
  | 'bound'
  | 'unbound'
  | 'suspended'
  | 'activated'
  | 'account-linked-or-created'
  | 'account-linked'
  | 'account-suspended'
  | 'account-reactivated'
  | 'activation-email'
  | 'binding-email';

export interface Effect {
  readonly kind: EffectKind;
  readonly directoryId?: DirectoryId;
  /** The sentence the console shows ("suspends ada@example.com in Google Workspace (example.com)"). */
  readonly text: string;
}

export interface UserEffects {
  readonly userId: string;
  readonly email: string;
  /** Why nothing happens to this user (already bound, already suspended, has a password…). */
  readonly skipped?: string;
  readonly effects: ReadonlyArray<Effect>;
}

const labelIn = (directories: Directories, id: DirectoryId): string => {
  const d = directories[id];
  return d === undefined ? id : directoryLabel(d);
};

/** The mails the engine sends once the user is active (R1, R2), given which directories are bound then. */
const mailsWhenActive = (
  user: ExistingUser,
  directories: Directories,
  bound: ReadonlyArray<DirectoryId>,
  newlyBound: DirectoryId | undefined,
): Effect[] => {
  if (user.passwordStatus === 'pending') {
    return bound.length > 0 && !user.noticesSent.includes(activationNoticeId(user.userId))
      ? [{ kind: 'activation-email', text: `sends ${user.attributes.email} the activation email` }]
      : [];
  }
  if (user.passwordStatus !== 'active') return [];
  const owed = bound.filter((id) => {
    if (id === newlyBound) return true;
    const b = user.bindings[id];
    return (
      b !== undefined &&
      !b.takeoverComplete &&
      !b.boundWhilePending &&
      !user.noticesSent.includes(bindingNoticeId(user.userId, id, b.generation))
    );
  });
  return owed.map((id) => ({
    kind: 'binding-email' as const,
    directoryId: id,
    text: `emails ${user.attributes.email} to log in once to finish connecting ${labelIn(directories, id)}`,
  }));
};

/** What `action` would do to `user` (`directoryId` for bind and unbind). */
export const effectsOf = (action: BulkAction, user: ExistingUser, directories: Directories, directoryId?: DirectoryId): UserEffects => {
  const email = user.attributes.email;
  const base = { userId: user.userId, email };
  const skip = (skipped: string): UserEffects => ({ ...base, skipped, effects: [] });
  const bound = currentBindings(user);
  switch (action) {
    case 'bind': {
      if (directoryId === undefined) return skip('no directory given');
      const d = directories[directoryId];
      if (d === undefined) return skip('the directory is not connected');
      if (bound.some((b) => b.directoryId === directoryId)) return skip(`already bound to ${directoryLabel(d)}`);
      const label = directoryLabel(d);
      const account: Effect = d.policy.createMissingUsers
        ? {
            kind: 'account-linked-or-created',
            directoryId,
            text: `links the account ${email} in ${label}, or creates it there if there is none`,
          }
        : { kind: 'account-linked', directoryId, text: `links the account ${email} in ${label} (left unresolved if there is none)` };
      const mails =
        user.state === 'active'
          ? mailsWhenActive(user, directories, [...bound.map((b) => b.directoryId), directoryId], directoryId).filter(
              (m) => m.kind === 'activation-email' || m.directoryId === directoryId,
            )
          : [];
      return { ...base, effects: [{ kind: 'bound', directoryId, text: `binds ${email} to ${label}` }, account, ...mails] };
    }
    case 'unbind': {
      if (directoryId === undefined) return skip('no directory given');
      const b = bound.find((x) => x.directoryId === directoryId);
      const label = labelIn(directories, directoryId);
      if (b === undefined) return skip(`not bound to ${label}`);
      const d = directories[directoryId];
      const suspends =
        d !== undefined && b.link.status === 'linked' && d.policy.onUnbind === 'suspend' && b.suspendedAccount !== b.link.externalKey;
      return {
        ...base,
        effects: [
          { kind: 'unbound', directoryId, text: `stops managing ${email} in ${label}` },
          ...(suspends ? [{ kind: 'account-suspended' as const, directoryId, text: `suspends ${email} in ${label}` }] : []),
        ],
      };
    }
    case 'suspend': {
      if (user.state === 'suspended') return skip('already suspended');
      const accounts = bound.flatMap((b): Effect[] => {
        const d = directories[b.directoryId];
        return d !== undefined &&
          b.link.status === 'linked' &&
          d.policy.onSuspend === 'suspend' &&
          b.suspendedAccount !== b.link.externalKey
          ? [{ kind: 'account-suspended', directoryId: b.directoryId, text: `suspends ${email} in ${directoryLabel(d)}` }]
          : [];
      });
      return { ...base, effects: [{ kind: 'suspended', text: `${email} can no longer log in (their portal sessions end)` }, ...accounts] };
    }
    case 'activate': {
      if (user.state === 'active') return skip('already active');
      const accounts = bound.flatMap((b): Effect[] =>
        b.link.status === 'linked' && b.suspendedAccount === b.link.externalKey
          ? [
              {
                kind: 'account-reactivated',
                directoryId: b.directoryId,
                text: `reactivates ${email} in ${labelIn(directories, b.directoryId)}`,
              },
            ]
          : [],
      );
      const mails = mailsWhenActive(
        user,
        directories,
        bound.map((b) => b.directoryId),
        undefined,
      );
      return { ...base, effects: [{ kind: 'activated', text: `${email} can log in again` }, ...accounts, ...mails] };
    }
    case 'resend-activation': {
      if (user.passwordStatus !== 'pending')
        return skip('already has a password (activation is only for a user whose password is pending)');
      if (user.state !== 'active') return skip(`is ${user.state === 'staged' ? 'staged' : 'suspended'}: activate the user first`);
      return {
        ...base,
        effects: [{ kind: 'activation-email', text: `sends ${email} a new activation link (earlier links stop working)` }],
      };
    }
  }
};

/** The effects on directories, joined as one sentence for a confirmation: "This also suspends ada@example.com in A and B." */
export const confirmationOf = (effects: UserEffects): string | undefined => {
  const external = effects.effects.filter((e) => e.kind.startsWith('account-') || e.kind.endsWith('-email'));
  if (external.length === 0) return undefined;
  const byVerb = new Map<string, string[]>();
  for (const e of external) {
    // "suspends ada@example.com in Google Workspace (example.com)": group the directories of one verb.
    const at = e.text.lastIndexOf(' in ');
    const [head, place] =
      e.kind.startsWith('account-') && at > 0 && !e.text.includes(', or ') && !e.text.includes(' (left ')
        ? [e.text.slice(0, at), e.text.slice(at + 4)]
        : [e.text, ''];
    byVerb.set(head, [...(byVerb.get(head) ?? []), ...(place === '' ? [] : [place])]);
  }
  const parts = [...byVerb].map(([head, places]) =>
    places.length === 0
      ? head
      : `${head} in ${places.length === 1 ? (places[0] ?? '') : `${places.slice(0, -1).join(', ')} and ${places[places.length - 1] ?? ''}`}`,
  );
  return `This also ${parts.join('; it also ')}.`;
};
