import type { DirectoryId } from '../ids.js';
import type { UserEvent } from './Events.js';
import type { PushDescription } from './Push.js';
import type { Binding, ExistingUser, UserState } from './State.js';

const withBinding = (
  user: ExistingUser,
  directoryId: DirectoryId,
  generation: number | undefined,
  f: (b: Binding) => Binding,
): ExistingUser => {
  const b = user.bindings[directoryId];
  // Facts about another generation (a late outcome after a re-bind) no longer concern this binding.
  if (b === undefined || (generation !== undefined && b.generation !== generation)) return user;
  return { ...user, bindings: { ...user.bindings, [directoryId]: f(b) } };
};

/** Push outcomes concern one account: after a re-link to another, they no longer apply to the binding. */
const withPushBinding = (user: ExistingUser, push: PushDescription, f: (b: Binding) => Binding): ExistingUser =>
  withBinding(user, push.directoryId, push.generation, (b) =>
    b.link.status === 'linked' && b.link.externalKey === push.externalKey ? f(b) : b,
  );

const evolvePresent = (user: ExistingUser, event: UserEvent): ExistingUser => {
  switch (event.type) {
    case 'UserCreated':
      return user;
    case 'UserStateChanged':
      return { ...user, state: event.data.to };
    case 'UserBound': {
      const d = event.data;
      const before = user.bindings[d.directoryId];
      const inSync = d.alreadyInSync === true;
      const binding: Binding = {
        directoryId: d.directoryId,
        generation: d.generation,
        bound: true,
        origin: d.origin,
        boundAt: d.at,
        boundWhilePending: user.passwordStatus === 'pending',
        link: { status: 'resolving' },
        takeoverComplete: inSync,
        everTakenOver: inSync || (before?.everTakenOver ?? false),
        pushedRecordVersion: inSync ? user.recordVersion : 0,
        pushedPasswordVersion: inSync ? user.passwordVersion : 0,
        inFlight: null,
        lastFailure: null,
        lastSuccess: null,
        lastPasswordPushAt: inSync ? d.at : null,
        externalChangePending: null,
        externalChanges: before?.externalChanges ?? 0,
        unbindAction: null,
        suspendedAccount: before?.suspendedAccount ?? null,
        accountActionVersion: before?.accountActionVersion ?? 0,
        lastAccountActionId: before?.lastAccountActionId ?? null,
        accountActionFailure: null,
      };
      return { ...user, bindings: { ...user.bindings, [d.directoryId]: binding } };
    }
    case 'ExternalAccountLinked':
      return withBinding(user, event.data.directoryId, event.data.generation, (b) => {
        const otherAccount = b.link.status === 'linked' && b.link.externalKey !== event.data.externalKey;
        const link = { status: 'linked', externalKey: event.data.externalKey, how: event.data.how, at: event.data.at } as const;
        // A different account knows nothing of what was pushed to the old one: take it over again.
        // After a re-resolution found the same account again, its old not-found no longer holds the push back.
        return !otherAccount
          ? { ...b, link, ...(b.link.status === 'resolving' ? { lastFailure: null } : {}) }
          : {
              ...b,
              link,
              takeoverComplete: false,
              pushedRecordVersion: 0,
              pushedPasswordVersion: 0,
              inFlight: null,
              lastFailure: null,
              lastSuccess: null,
              lastPasswordPushAt: null,
              externalChangePending: null,
            };
      });
    case 'ExternalAccountUnresolved':
      return withBinding(user, event.data.directoryId, event.data.generation, (b) => ({
        ...b,
        link: { status: 'unresolved', reason: event.data.reason, detail: event.data.detail },
        takeoverComplete: false,
        inFlight: null,
      }));
    case 'UserUnbound':
      return withBinding(user, event.data.directoryId, event.data.generation, (b) => ({
        ...b,
        bound: false,
        inFlight: null,
        unbindAction: event.data.externalAccount,
      }));
    case 'PasswordSet':
      return { ...user, passwordStatus: 'active', passwordVersion: event.data.passwordVersion, recordVersion: event.data.recordVersion };
    case 'PasswordExpired':
      return { ...user, passwordStatus: 'expired' };
    case 'PortalLogin':
      return { ...user, lastLoginAt: event.data.at };
    case 'AttributesChanged': {
      const attributes = { ...user.attributes, ...event.data.changed };
      for (const name of event.data.cleared) delete attributes[name];
      return { ...user, attributes, recordVersion: event.data.recordVersion };
    }
    case 'PushStarted': {
      const { at, ...push } = event.data;
      return withPushBinding(user, push, (b) => ({ ...b, inFlight: { ...push, since: at } }));
    }
    case 'PushSucceeded': {
      const d = event.data;
      return withPushBinding(user, d, (b) => ({
        ...b,
        pushedRecordVersion: Math.max(b.pushedRecordVersion, d.recordVersion),
        pushedPasswordVersion: d.carriesPassword ? Math.max(b.pushedPasswordVersion, d.passwordVersion) : b.pushedPasswordVersion,
        takeoverComplete: b.takeoverComplete || d.carriesPassword,
        everTakenOver: b.everTakenOver || d.carriesPassword,
        inFlight: b.inFlight?.pushId === d.pushId ? null : b.inFlight,
        // A late success of an older push does not hide the failure of a newer one.
        lastFailure: b.lastFailure !== null && b.lastFailure.recordVersion > d.recordVersion ? b.lastFailure : null,
        lastSuccess: { pushId: d.pushId, at: d.at },
        lastPasswordPushAt: d.carriesPassword ? d.at : b.lastPasswordPushAt,
        externalChangePending: d.carriesPassword ? null : b.externalChangePending,
      }));
    }
    case 'PushFailed': {
      const d = event.data;
      // The account the engine found or created is gone: look for it again (by email, or create it) instead of failing for good.
      // An account the admin named (`given`) is not second-guessed: the failure stays for the admin.
      const gone = d.failure.class === 'permanent' && d.failure.reason === 'not-found';
      return withPushBinding(user, d, (b) => ({
        ...b,
        inFlight: b.inFlight?.pushId === d.pushId ? null : b.inFlight,
        lastFailure: d,
        ...(gone && b.link.status === 'linked' && b.link.how !== 'given'
          ? { link: { status: 'resolving', after: d.pushId } as const }
          : {}),
      }));
    }
    case 'ExternalAccountSuspended':
    case 'ExternalAccountRestored': {
      const d = event.data;
      return withBinding(user, d.directoryId, undefined, (b) => ({
        ...b,
        suspendedAccount:
          event.type === 'ExternalAccountSuspended' ? d.externalKey : b.suspendedAccount === d.externalKey ? null : b.suspendedAccount,
        accountActionVersion: b.accountActionVersion + 1,
        lastAccountActionId: d.actionId,
        accountActionFailure: null,
      }));
    }
    case 'ExternalAccountActionFailed':
      return withBinding(user, event.data.directoryId, undefined, (b) => ({ ...b, accountActionFailure: event.data }));
    case 'ExternalPasswordChangeDetected':
      return withBinding(user, event.data.directoryId, event.data.generation, (b) => ({
        ...b,
        externalChanges: b.externalChanges + 1,
        externalChangePending: b.externalChangePending ?? event.data.changedAt,
      }));
    case 'NoticeSent':
      return user.noticesSent.includes(event.data.noticeId) ? user : { ...user, noticesSent: [...user.noticesSent, event.data.noticeId] };
  }
};

/** Folds one event. Pure and total: an event that does not apply to the state leaves it unchanged. */
export const evolveUser = (state: UserState, event: UserEvent): UserState => {
  if (state.status === 'present') return evolvePresent(state, event);
  if (event.type !== 'UserCreated') return state;
  const d = event.data;
  return {
    status: 'present',
    userId: d.userId,
    createdAt: d.at,
    state: d.state,
    passwordStatus: 'pending',
    attributes: d.attributes,
    recordVersion: 1,
    passwordVersion: 0,
    lastLoginAt: null,
    bindings: {},
    noticesSent: [],
  };
};
