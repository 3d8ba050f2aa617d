import type { DirectoryId, NoticeId } from '../ids.js';
import type { UserAttributes } from './attributes.js';
import type { PushStarted, PushSucceeded, UserEvent } from './events.js';
import type { Binding, ExistingUser, UserState } from './state.js';

// The fold runs on every command and settle, over the user's whole history, so it is written for
// speed behind a pure contract: events are applied to a *draft*, a copy of the state that this fold
// alone owns and mutates in place (copy-on-write: the attributes, the notices and each binding are
// copied the first time an event changes them, once per fold however many events follow). The
// caller's state is never touched, and the draft is handed out only when the fold is over, after
// which nothing mutates it. `evolveUser` (one event) and `evolveUserAll` (many) share `apply`, so
// the two cannot disagree.

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type DraftBinding = Mutable<Binding>;
type DraftUser = Mutable<ExistingUser> & {
  attributes: Mutable<UserAttributes>;
  bindings: Partial<Record<DirectoryId, Binding>>;
  noticesSent: NoticeId[];
};

interface Draft {
  readonly user: DraftUser;
  attributesOwned: boolean;
  noticesOwned: boolean;
  bindingsOwned: boolean;
  /**
   * The bindings copied by this fold (mutable in place), each with what it deferred: the last
   * `PushStarted` / `PushSucceeded`, whose objects (`inFlight`, `lastSuccess`) are built only once
   * the fold is over. Most pushes start and succeed within a few events, so the fold allocates
   * nothing per push. While set, `started` is the push in flight.
   */
  readonly owned: Map<DirectoryId, Deferred>;
}

/** An owned binding (the very object in the draft's bindings) and what it deferred. */
interface Deferred {
  readonly binding: DraftBinding;
  started: PushStarted['data'] | undefined;
  succeeded: PushSucceeded['data'] | undefined;
}

/** What an owned binding deferred (every owned binding has an entry). */
const deferredOf = (d: Draft, directoryId: DirectoryId): Deferred => d.owned.get(directoryId) as Deferred;

const clearInFlight = (d: Draft, b: DraftBinding): void => {
  b.inFlight = null;
  deferredOf(d, b.directoryId).started = undefined;
};

/** Builds what the fold deferred; after this the draft is the finished state. */
const finish = (d: Draft): ExistingUser => {
  for (const x of d.owned.values()) {
    const b = x.binding;
    const e = x.started;
    if (e !== undefined) {
      const inFlight: Mutable<NonNullable<Binding['inFlight']>> = {
        pushId: e.pushId,
        userId: e.userId,
        directoryId: e.directoryId,
        generation: e.generation,
        externalKey: e.externalKey,
        recordVersion: e.recordVersion,
        passwordVersion: e.passwordVersion,
        carriesPassword: e.carriesPassword,
        revokeSessions: e.revokeSessions,
        reason: e.reason,
        since: e.at,
      };
      if (e.instance !== undefined) inFlight.instance = e.instance;
      b.inFlight = inFlight;
    }
    if (x.succeeded !== undefined) b.lastSuccess = { pushId: x.succeeded.pushId, at: x.succeeded.at };
  }
  return d.user;
};

/** Every field listed, in one order: one object shape for every binding, so the engine's property access stays monomorphic. */
const copyBinding = (b: Binding): DraftBinding => ({
  directoryId: b.directoryId,
  generation: b.generation,
  bound: b.bound,
  origin: b.origin,
  boundAt: b.boundAt,
  boundWhilePending: b.boundWhilePending,
  link: b.link,
  takeoverComplete: b.takeoverComplete,
  everTakenOver: b.everTakenOver,
  pushedRecordVersion: b.pushedRecordVersion,
  pushedPasswordVersion: b.pushedPasswordVersion,
  inFlight: b.inFlight,
  lastFailure: b.lastFailure,
  lastSuccess: b.lastSuccess,
  lastPasswordPushAt: b.lastPasswordPushAt,
  externalChangePending: b.externalChangePending,
  externalChanges: b.externalChanges,
  unbindAction: b.unbindAction,
  suspendedAccount: b.suspendedAccount,
  accountActionVersion: b.accountActionVersion,
  lastAccountActionId: b.lastAccountActionId,
  accountActionFailure: b.accountActionFailure,
});

const draftOf = (user: ExistingUser): Draft => ({
  user: {
    status: 'present',
    userId: user.userId,
    createdAt: user.createdAt,
    state: user.state,
    passwordStatus: user.passwordStatus,
    attributes: user.attributes,
    recordVersion: user.recordVersion,
    passwordVersion: user.passwordVersion,
    lastLoginAt: user.lastLoginAt,
    lastLoginEventId: user.lastLoginEventId,
    bindings: user.bindings,
    noticesSent: user.noticesSent as NoticeId[],
  },
  attributesOwned: false,
  noticesOwned: false,
  bindingsOwned: false,
  owned: new Map(),
});

const ownBindings = (d: Draft): Partial<Record<DirectoryId, Binding>> => {
  if (!d.bindingsOwned) {
    d.user.bindings = { ...d.user.bindings };
    d.bindingsOwned = true;
  }
  return d.user.bindings;
};

/** The binding to change, owned by this fold; undefined when absent, or when the fact is about another generation (a late outcome after a re-bind). */
const bindingFor = (d: Draft, directoryId: DirectoryId, generation: number | undefined): DraftBinding | undefined => {
  const b = d.user.bindings[directoryId];
  if (b === undefined || (generation !== undefined && b.generation !== generation)) return undefined;
  if (d.owned.get(directoryId) !== undefined) return b;
  const copy = copyBinding(b);
  ownBindings(d)[directoryId] = copy;
  d.owned.set(directoryId, { binding: copy, started: undefined, succeeded: undefined });
  return copy;
};

/**
 * Push outcomes concern one account: after a re-link to another, they no longer apply to the binding.
 * One map lookup once the binding is owned (the hot path of a fold). It takes the push's fields, not
 * its event: each caller reads them from one event type's data, so those reads stay monomorphic (a
 * read shared by the three push events' shapes, decoded and decided, would be megamorphic).
 */
const pushTarget = (d: Draft, directoryId: DirectoryId, generation: number, externalKey: string): Deferred | undefined => {
  const owned = d.owned.get(directoryId);
  const b = owned?.binding ?? d.user.bindings[directoryId];
  if (b === undefined || b.generation !== generation || b.link.status !== 'linked' || b.link.externalKey !== externalKey) return undefined;
  if (owned !== undefined) return owned;
  bindingFor(d, directoryId, generation);
  return d.owned.get(directoryId);
};

const apply = (d: Draft, event: UserEvent): void => {
  const user = d.user;
  switch (event.type) {
    case 'UserCreated':
      return;
    case 'UserStateChanged':
      user.state = event.data.to;
      return;
    case 'UserBound': {
      const e = event.data;
      const before = user.bindings[e.directoryId];
      const inSync = e.alreadyInSync === true;
      const created: DraftBinding = {
        directoryId: e.directoryId,
        generation: e.generation,
        bound: true,
        origin: e.origin,
        boundAt: e.at,
        boundWhilePending: user.passwordStatus === 'pending',
        link: { status: 'resolving' },
        takeoverComplete: inSync,
        everTakenOver: inSync || (before?.everTakenOver ?? false),
        pushedRecordVersion: inSync ? user.recordVersion : 0,
        pushedPasswordVersion: inSync ? user.passwordVersion : 0,
        inFlight: null,
        lastFailure: null,
        lastSuccess: null,
        lastPasswordPushAt: inSync ? e.at : null,
        externalChangePending: null,
        externalChanges: before?.externalChanges ?? 0,
        unbindAction: null,
        suspendedAccount: before?.suspendedAccount ?? null,
        accountActionVersion: before?.accountActionVersion ?? 0,
        lastAccountActionId: before?.lastAccountActionId ?? null,
        accountActionFailure: null,
      };
      ownBindings(d)[e.directoryId] = created;
      d.owned.set(e.directoryId, { binding: created, started: undefined, succeeded: undefined }); // a new binding: nothing deferred
      return;
    }
    case 'ExternalAccountLinked': {
      const e = event.data;
      const b = bindingFor(d, e.directoryId, e.generation);
      if (b === undefined) return;
      const otherAccount = b.link.status === 'linked' && b.link.externalKey !== e.externalKey;
      const wasResolving = b.link.status === 'resolving';
      b.link = { status: 'linked', externalKey: e.externalKey, how: e.how, at: e.at };
      if (otherAccount) {
        // A different account knows nothing of what was pushed to the old one: take it over again.
        b.takeoverComplete = false;
        b.pushedRecordVersion = 0;
        b.pushedPasswordVersion = 0;
        clearInFlight(d, b);
        b.lastFailure = null;
        b.lastSuccess = null;
        b.lastPasswordPushAt = null;
        b.externalChangePending = null;
        deferredOf(d, b.directoryId).succeeded = undefined;
      } else if (wasResolving) {
        // After a re-resolution found the same account again, its old not-found no longer holds the push back.
        b.lastFailure = null;
      }
      return;
    }
    case 'ExternalAccountUnresolved': {
      const b = bindingFor(d, event.data.directoryId, event.data.generation);
      if (b === undefined) return;
      b.link = { status: 'unresolved', reason: event.data.reason, detail: event.data.detail };
      b.takeoverComplete = false;
      clearInFlight(d, b);
      return;
    }
    case 'UserUnbound': {
      const b = bindingFor(d, event.data.directoryId, event.data.generation);
      if (b === undefined) return;
      b.bound = false;
      clearInFlight(d, b);
      b.unbindAction = event.data.externalAccount;
      return;
    }
    case 'PasswordSet':
      user.passwordStatus = 'active';
      user.passwordVersion = event.data.passwordVersion;
      user.recordVersion = event.data.recordVersion;
      return;
    case 'PasswordExpired':
      user.passwordStatus = 'expired';
      return;
    case 'PortalLogin':
      user.lastLoginAt = event.data.at;
      user.lastLoginEventId = event.metadata?.eventId ?? null;
      return;
    case 'AttributesChanged': {
      if (!d.attributesOwned) {
        user.attributes = { ...user.attributes };
        d.attributesOwned = true;
      }
      Object.assign(user.attributes, event.data.changed);
      for (const name of event.data.cleared) delete user.attributes[name];
      user.recordVersion = event.data.recordVersion;
      return;
    }
    case 'PushStarted': {
      const e = event.data;
      const x = pushTarget(d, e.directoryId, e.generation, e.externalKey);
      // Built by `finish` if still in flight then (no object per push while folding).
      if (x !== undefined) x.started = e;
      return;
    }
    case 'PushSucceeded': {
      const e = event.data;
      const x = pushTarget(d, e.directoryId, e.generation, e.externalKey);
      if (x === undefined) return;
      const b = x.binding;
      b.pushedRecordVersion = Math.max(b.pushedRecordVersion, e.recordVersion);
      if (e.carriesPassword) {
        b.pushedPasswordVersion = Math.max(b.pushedPasswordVersion, e.passwordVersion);
        b.takeoverComplete = true;
        b.everTakenOver = true;
        b.lastPasswordPushAt = e.at;
        b.externalChangePending = null;
      }
      if ((x.started?.pushId ?? b.inFlight?.pushId) === e.pushId) {
        b.inFlight = null;
        x.started = undefined;
      }
      // A late success of an older push does not hide the failure of a newer one.
      if (b.lastFailure !== null && b.lastFailure.recordVersion <= e.recordVersion) b.lastFailure = null;
      x.succeeded = e; // `lastSuccess`, built by `finish`
      return;
    }
    case 'PushFailed': {
      const e = event.data;
      const x = pushTarget(d, e.directoryId, e.generation, e.externalKey);
      if (x === undefined) return;
      const b = x.binding;
      if ((x.started?.pushId ?? b.inFlight?.pushId) === e.pushId) {
        b.inFlight = null;
        x.started = undefined;
      }
      b.lastFailure = e;
      // The account the engine found or created is gone: look for it again (by email, or create it) instead of failing for good.
      // An account the admin named (`given`) is not second-guessed: the failure stays for the admin.
      if (e.failure.class === 'permanent' && e.failure.reason === 'not-found' && b.link.status === 'linked' && b.link.how !== 'given')
        b.link = { status: 'resolving', after: e.pushId };
      return;
    }
    case 'ExternalAccountSuspended':
    case 'ExternalAccountRestored': {
      const e = event.data;
      const b = bindingFor(d, e.directoryId, undefined);
      if (b === undefined) return;
      b.suspendedAccount =
        event.type === 'ExternalAccountSuspended' ? e.externalKey : b.suspendedAccount === e.externalKey ? null : b.suspendedAccount;
      b.accountActionVersion += 1;
      b.lastAccountActionId = e.actionId;
      b.accountActionFailure = null;
      return;
    }
    case 'ExternalAccountActionFailed': {
      const b = bindingFor(d, event.data.directoryId, undefined);
      if (b !== undefined) b.accountActionFailure = event.data;
      return;
    }
    case 'ExternalPasswordChangeDetected': {
      const b = bindingFor(d, event.data.directoryId, event.data.generation);
      if (b === undefined) return;
      b.externalChanges += 1;
      b.externalChangePending ??= event.data.changedAt;
      return;
    }
    case 'NoticeSent':
      if (user.noticesSent.includes(event.data.noticeId)) return;
      if (!d.noticesOwned) {
        user.noticesSent = [...user.noticesSent];
        d.noticesOwned = true;
      }
      user.noticesSent.push(event.data.noticeId);
      return;
  }
};

const created = (event: UserEvent): UserState => {
  if (event.type !== 'UserCreated') return { status: 'absent' };
  const e = event.data;
  return {
    status: 'present',
    userId: e.userId,
    createdAt: e.at,
    state: e.state,
    passwordStatus: 'pending',
    attributes: e.attributes,
    recordVersion: 1,
    passwordVersion: 0,
    lastLoginAt: null,
    lastLoginEventId: null,
    bindings: {},
    noticesSent: [],
  };
};

/**
 * Folds events into a state: the same result as `events.reduce(evolveUser, state)`, without a copy
 * of the state per event. Pure: `state` and the events are not modified, and the result shares no
 * mutable part with anything the caller holds.
 */
export const evolveUserAll = (state: UserState, events: ReadonlyArray<UserEvent>): UserState => {
  let i = 0;
  let current = state;
  // Events before the user exists change nothing but `UserCreated`.
  while (current.status === 'absent' && i < events.length) {
    const e = events[i++];
    if (e !== undefined && e.type === 'UserCreated') current = created(e);
  }
  if (current.status === 'absent' || i >= events.length) return current;
  const d = draftOf(current);
  for (; i < events.length; i++) apply(d, events[i] as UserEvent);
  return finish(d);
};

/** Folds one event. Pure and total: an event that does not apply to the state leaves it unchanged. */
export const evolveUser = (state: UserState, event: UserEvent): UserState => {
  if (state.status === 'absent') return event.type === 'UserCreated' ? created(event) : state;
  const d = draftOf(state);
  apply(d, event);
  return finish(d);
};
