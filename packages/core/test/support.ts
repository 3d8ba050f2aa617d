import { Secret, fold, owed, userDecider } from '@takeover/core';
import type {
  Owed,
  OwedPush,
  UserCommand,
  UserContext,
  UserEvent,
  UserState,
  PasswordSource,
  ExternalUserKey,
  DirectoryId,
  PushFailure,
} from '@takeover/core';
import { ada, admin, setterOf, cid, directoriesOf, googleWorkspace, historyOf, microsoftEntra, t, uid } from '@takeover/core/testing';

export const U = uid('u1');
export const G = googleWorkspace('google', 'example.com');
export const M = microsoftEntra('m365', 'contoso.com');
export const ctx: UserContext = { directories: directoriesOf(G, M) };
export const GOOD = 'Tr0ub4dor&3-horse';
export const OTHER = 'Correct-Horse-9-battery';

const base = (minute: number) => ({ commandId: cid(), userId: U, at: t(minute) });

export const c = {
  create: (minute: number, state: 'staged' | 'active' = 'active', password?: string): UserCommand => ({
    ...base(minute),
    type: 'CreateUser',
    state,
    attributes: ada,
    by: admin,
    ...(password === undefined ? {} : { password: Secret.of(password) }),
  }),
  activate: (minute: number): UserCommand => ({ ...base(minute), type: 'ActivateUser', by: admin }),
  suspend: (minute: number): UserCommand => ({ ...base(minute), type: 'SuspendUser', by: admin }),
  stage: (minute: number): UserCommand => ({ ...base(minute), type: 'StageUser', by: admin }),
  bind: (minute: number, directoryId: DirectoryId, externalKey?: ExternalUserKey, origin?: 'admin' | 'import'): UserCommand => ({
    ...base(minute),
    type: 'BindDirectory',
    directoryId,
    by: admin,
    ...(externalKey === undefined ? {} : { externalKey }),
    ...(origin === undefined ? {} : { origin }),
  }),
  unbind: (minute: number, directoryId: DirectoryId): UserCommand => ({ ...base(minute), type: 'UnbindDirectory', directoryId, by: admin }),
  link: (minute: number, directoryId: DirectoryId, externalKey: ExternalUserKey): UserCommand => ({
    ...base(minute),
    type: 'LinkExternalAccount',
    directoryId,
    externalKey,
    how: 'matched-email',
  }),
  unresolved: (minute: number, directoryId: DirectoryId): UserCommand => ({
    ...base(minute),
    type: 'MarkExternalAccountUnresolved',
    directoryId,
    reason: 'not-found',
    detail: 'No account with ada@example.com',
  }),
  setPassword: (minute: number, password: string, by: PasswordSource = 'user-portal'): UserCommand => ({
    ...base(minute),
    type: 'SetPassword',
    password: Secret.of(password),
    by: setterOf(by),
  }),
  expire: (minute: number): UserCommand => ({ ...base(minute), type: 'ExpirePassword', by: admin }),
  login: (minute: number, password = GOOD): UserCommand => ({ ...base(minute), type: 'LogIn', password: Secret.of(password) }),
  rename: (minute: number, givenName: string): UserCommand => ({
    ...base(minute),
    type: 'ChangeAttributes',
    changes: { givenName },
    by: admin,
  }),
  /** R16: the engine read from the directory that the password there changed at `changedMinute`. */
  externalChange: (minute: number, directoryId: DirectoryId, changedMinute: number, by?: string): UserCommand => ({
    ...base(minute),
    type: 'RecordExternalPasswordChange',
    directoryId,
    changedAt: t(changedMinute),
    source: 'sweep',
    ...(by === undefined ? {} : { by }),
  }),
  started: (minute: number, push: OwedPush): UserCommand => ({ ...base(minute), type: 'RecordPushStarted', push: strip(push) }),
  succeeded: (minute: number, push: OwedPush): UserCommand => ({ ...base(minute), type: 'RecordPushSucceeded', push: strip(push) }),
  failed: (minute: number, push: OwedPush, failure: PushFailure): UserCommand => ({
    ...base(minute),
    type: 'RecordPushFailed',
    push: strip(push),
    failure,
  }),
};

const strip = ({ needsPlaintext: _n, lastFailure: _l, ...push }: OwedPush) => push;

/** Builds a history by running commands (a refused fixture command throws). */
export const history = (...commands: ReadonlyArray<UserCommand>): ReadonlyArray<UserEvent> => historyOf(ctx, commands);
export const more = (events: ReadonlyArray<UserEvent>, ...commands: ReadonlyArray<UserCommand>): ReadonlyArray<UserEvent> =>
  historyOf(ctx, commands, events);

export const stateOf = (events: ReadonlyArray<UserEvent>): UserState => fold(userDecider, events);
export const owedAfter = (events: ReadonlyArray<UserEvent>, minute = 1000): Owed =>
  owed(stateOf(events), ctx.directories, { now: t(minute) });

/** Starts and completes every owed push (as an engine that succeeded at all of them would record). */
export const pushAll = (events: ReadonlyArray<UserEvent>, minute: number): ReadonlyArray<UserEvent> =>
  owedAfter(events, minute).pushes.reduce((acc, p) => more(acc, c.started(minute, p), c.succeeded(minute, p)), events);

/** A user who is active, has a password, is bound and linked to Google and Microsoft, and whose takeover is done. */
export const takenOver = (): ReadonlyArray<UserEvent> => {
  const h = history(
    c.create(0, 'active', GOOD),
    c.bind(1, G.directoryId, 'ada@example.com' as ExternalUserKey),
    c.bind(2, M.directoryId, 'ada@contoso.com' as ExternalUserKey),
    c.login(3),
  );
  return pushAll(h, 4);
};
