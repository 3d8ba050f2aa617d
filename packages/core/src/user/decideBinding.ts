import type { BindDirectory, LinkExternalAccount, MarkExternalAccountUnresolved, UnbindDirectory } from './commands.js';
import type { UserContext } from './context.js';
import type { Decision } from './decision.js';
import { directoryNotConnected, events, fail, notBound, nothing, userNotFound } from './decision.js';
import type { UserState } from './state.js';

/** Bind; with an admin-given key the account is linked in the same decision (`how: 'given'`). */
export const decideBind = (c: BindDirectory, state: UserState, ctx: UserContext): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  if (ctx.directories[c.directoryId] === undefined) return directoryNotConnected(c.directoryId);
  const before = state.bindings[c.directoryId];
  const base = { userId: c.userId, directoryId: c.directoryId, at: c.at };
  if (before?.bound === true) {
    const alreadyLinked = before.link.status === 'linked' && before.link.externalKey === c.externalKey;
    if (c.externalKey === undefined || alreadyLinked) return nothing;
    return events({
      type: 'ExternalAccountLinked',
      data: { ...base, generation: before.generation, externalKey: c.externalKey, how: 'given' },
    });
  }
  if (c.alreadyInSync === true && (c.origin !== 'import' || c.externalKey === undefined)) {
    return fail({
      _tag: 'InvalidBinding',
      directoryId: c.directoryId,
      message: 'Only an imported binding with a known external account can be marked as already in sync.',
    });
  }
  const generation = (before?.generation ?? 0) + 1;
  const bound = {
    type: 'UserBound',
    data: { ...base, generation, origin: c.origin ?? 'admin', by: c.by, ...(c.alreadyInSync === true ? { alreadyInSync: true } : {}) },
  } as const;
  return c.externalKey === undefined
    ? events(bound)
    : events(bound, { type: 'ExternalAccountLinked', data: { ...base, generation, externalKey: c.externalKey, how: 'given' } });
};

/** R13: unbinding ends management. The directory's `onUnbind` decides the external account's fate. */
export const decideUnbind = (c: UnbindDirectory, state: UserState, ctx: UserContext): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const binding = state.bindings[c.directoryId];
  if (binding?.bound !== true) return nothing;
  const directory = ctx.directories[c.directoryId];
  const externalAccount = directory !== undefined && binding.link.status === 'linked' ? directory.policy.onUnbind : 'keep';
  return events({
    type: 'UserUnbound',
    data: { userId: c.userId, directoryId: c.directoryId, generation: binding.generation, externalAccount, by: c.by, at: c.at },
  });
};

export const decideLink = (c: LinkExternalAccount, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const binding = state.bindings[c.directoryId];
  if (binding?.bound !== true) return notBound(c.userId, c.directoryId);
  if (binding.link.status === 'linked' && binding.link.externalKey === c.externalKey) return nothing;
  return events({
    type: 'ExternalAccountLinked',
    data: {
      userId: c.userId,
      directoryId: c.directoryId,
      generation: binding.generation,
      externalKey: c.externalKey,
      how: c.how,
      at: c.at,
    },
  });
};

export const decideMarkUnresolved = (c: MarkExternalAccountUnresolved, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const binding = state.bindings[c.directoryId];
  if (binding?.bound !== true) return notBound(c.userId, c.directoryId);
  if (binding.link.status === 'unresolved' && binding.link.reason === c.reason && binding.link.detail === c.detail) return nothing;
  return events({
    type: 'ExternalAccountUnresolved',
    data: { userId: c.userId, directoryId: c.directoryId, generation: binding.generation, reason: c.reason, detail: c.detail, at: c.at },
  });
};
