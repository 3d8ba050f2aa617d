import * as t from 'io-ts';

/**
 * Identifiers are branded strings: a `UserId` cannot be passed where a `DirectoryId` is expected.
 * Each has an io-ts codec (decode at the edge) and a `make` that is for trusted input only (tests,
 * values the core derives itself): it throws on an empty string, which is a programmer bug.
 */
const idCodec = <B>(name: string) =>
  new t.Type<t.Branded<string, B>, string, unknown>(
    name,
    (u): u is t.Branded<string, B> => typeof u === 'string' && u.length > 0,
    (u, c) =>
      typeof u === 'string' && u.length > 0 ? t.success(u as t.Branded<string, B>) : t.failure(u, c, 'expected a non-empty string'),
    (a) => a,
  );

/** The brand that makes `NonEmptyString` a distinct string type (type-level only; no value exists). */
export interface NonEmptyStringBrand {
  readonly NonEmptyString: unique symbol;
}
export const NonEmptyString = idCodec<NonEmptyStringBrand>('NonEmptyString');
export type NonEmptyString = t.TypeOf<typeof NonEmptyString>;

/** A string that must not be empty, typed as plain `string` so callers need no brand. */
export const Text = new t.Type<string, string, unknown>(
  'Text',
  (u): u is string => typeof u === 'string' && u.trim().length > 0,
  (u, c) => (typeof u === 'string' && u.trim().length > 0 ? t.success(u) : t.failure(u, c, 'expected a non-empty string')),
  (a) => a,
);

const maker =
  <B>(codec: t.Type<t.Branded<string, B>, string>) =>
  (s: string): t.Branded<string, B> => {
    if (!codec.is(s)) throw new TypeError(`${codec.name}: expected a non-empty string`);
    return s;
  };

/** The brand that makes `UserId` a distinct string type (type-level only; no value exists). */
export interface UserIdBrand {
  readonly UserId: unique symbol;
}
export const UserId = idCodec<UserIdBrand>('UserId');
export type UserId = t.TypeOf<typeof UserId>;

/** The brand that makes `DirectoryId` a distinct string type (type-level only; no value exists). */
export interface DirectoryIdBrand {
  readonly DirectoryId: unique symbol;
}
export const DirectoryId = idCodec<DirectoryIdBrand>('DirectoryId');
export type DirectoryId = t.TypeOf<typeof DirectoryId>;

/** The brand that makes `EventId` a distinct string type (type-level only; no value exists). */
export interface EventIdBrand {
  readonly EventId: unique symbol;
}
export const EventId = idCodec<EventIdBrand>('EventId');
export type EventId = t.TypeOf<typeof EventId>;

/** The id a caller gives a command; the ids of the events it decides derive from it. */
export interface CommandIdBrand {
  readonly CommandId: unique symbol;
}
export const CommandId = idCodec<CommandIdBrand>('CommandId');
export type CommandId = t.TypeOf<typeof CommandId>;

/** The brand that makes `PushId` a distinct string type (type-level only; no value exists). */
export interface PushIdBrand {
  readonly PushId: unique symbol;
}
export const PushId = idCodec<PushIdBrand>('PushId');
export type PushId = t.TypeOf<typeof PushId>;

/** The brand that makes `NoticeId` a distinct string type (type-level only; no value exists). */
export interface NoticeIdBrand {
  readonly NoticeId: unique symbol;
}
export const NoticeId = idCodec<NoticeIdBrand>('NoticeId');
export type NoticeId = t.TypeOf<typeof NoticeId>;

/** The directory's own key for the account: Google's immutable id or primary email, Entra's object id or UPN. */
export interface ExternalUserKeyBrand {
  readonly ExternalUserKey: unique symbol;
}
export const ExternalUserKey = idCodec<ExternalUserKeyBrand>('ExternalUserKey');
export type ExternalUserKey = t.TypeOf<typeof ExternalUserKey>;

export const userId = maker(UserId);
export const directoryId = maker(DirectoryId);
export const eventId = maker(EventId);
export const commandId = maker(CommandId);
export const externalUserKey = maker(ExternalUserKey);

/**
 * Joins parts into one id without ambiguity: each part is percent-encoded, so `a/b` + `c` and
 * `a` + `b/c` never collide. Used for the deterministic push and notice ids.
 */
export const joinId = (...parts: ReadonlyArray<string | number>): string => parts.map((p) => encodeURIComponent(String(p))).join('/');

/** The id of the `index`-th event a command decided: retrying the same command yields the same ids. */
export const eventIdFor = (command: CommandId, index: number): EventId => `${command}#${index}` as EventId;
