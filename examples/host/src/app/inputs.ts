// Input codecs for every body the HTTP layer takes (JSON or a form): io-ts at the edge, each failure
// as one `invalid` Problem naming the field and the reason. Passwords come out as `Secret`; no
// reason ever quotes a value.
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { DirectoryId } from '@takeover/core';
import type { UserListFilter, UserListQuery, UserListSort } from '@takeover/engine';
import { Secret } from '@takeover/core';
import type { AttributeChanges, BookmarkInput, CreateUserInput, DirectoryPolicyChange, Problem } from './hostApp.js';
import { isEmailAddress, nameProblem, normaliseName } from './text.js';

const invalid = (field: string, reason: string): Problem => ({ kind: 'invalid', field, reason });

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

const refined = <A>(name: string, reason: string, ok: (s: string) => boolean, to: (s: string) => A) =>
  new t.Type<A, unknown, unknown>(
    name,
    (_u): _u is A => false,
    (u, c) =>
      typeof u === 'string' && ok(u) ? t.success(to(u)) : t.failure(u, c, typeof u === 'string' ? reason : `${reason} (a string)`),
    (a) => a,
  );

/** A failure with its own reason, for codecs whose reason depends on the value. */
const checked = <A>(name: string, check: (s: string) => string | undefined, to: (s: string) => A, typeReason: string) =>
  new t.Type<A, unknown, unknown>(
    name,
    (_u): _u is A => false,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, typeReason);
      const problem = check(u);
      return problem === undefined ? t.success(to(u)) : t.failure(u, c, problem);
    },
    (a) => a,
  );

/** A name or other short text a person typed: NFC, trimmed, 1 to 256 characters, no control, bidi-override or zero-width characters. */
const Text = checked(
  'Text',
  (s) => {
    const n = normaliseName(s);
    if (n.length === 0 || n.length > 256) return 'must be 1 to 256 characters';
    return nameProblem(n);
  },
  normaliseName,
  'must be 1 to 256 characters (a string)',
);
/** Exactly one address (no display name, no list), lower-cased. */
const EmailText = refined(
  'Email',
  'must be one email address such as ada@example.com (no name, list, space or special characters)',
  (s) => isEmailAddress(s.trim()),
  (s) => s.trim().toLowerCase(),
);
/** A login's email: any short text (a malformed one is a 401, not a 400 that tells). */
const LoginText = refined(
  'Text',
  'must be 1 to 256 characters without line breaks',
  (s) => s.trim().length > 0 && s.trim().length <= 256 && !CONTROL.test(s),
  (s) => s.trim(),
);
/** A password: 1 to 1,024 characters, wrapped at once. Policies are checked by the domain, not here. */
const Password = refined(
  'Password',
  'must be 1 to 1024 characters',
  (s) => s.length > 0 && s.length <= 1024,
  (s) => Secret.of(s),
);
const Token = refined(
  'Token',
  'must be a token of 1 to 2048 characters',
  (s) => s.length > 0 && s.length <= 2048 && !/\s/.test(s),
  (s) => s,
);
const Id = refined(
  'Id',
  'must be an id of 1 to 200 characters',
  (s) => s.length > 0 && s.length <= 200 && !CONTROL.test(s) && s.trim() === s,
  (s) => s,
);
const oneOf = <K extends string>(name: string, values: ReadonlyArray<K>) =>
  refined<K>(
    name,
    `must be one of ${values.map((v) => `"${v}"`).join(', ')}`,
    (s) => (values as ReadonlyArray<string>).includes(s),
    (s) => s as K,
  );
const Bool = new t.Type<boolean, unknown, unknown>(
  'Bool',
  t.boolean.is,
  (u, c) => (typeof u === 'boolean' ? t.success(u) : t.failure(u, c, 'must be true or false')),
  (a) => a,
);
const nullable = <A>(codec: t.Type<A, unknown, unknown>, reason: string) =>
  new t.Type<A | null, unknown, unknown>(
    `${codec.name} | null`,
    (_u): _u is A | null => false,
    (u, c) => {
      if (u === null) return t.success(null);
      const r = codec.validate(u, c);
      const inner = E.isLeft(r) ? r.left[0]?.message : undefined;
      return E.isRight(r) ? r : t.failure(u, c, inner === undefined ? reason : `${inner}, or null to clear it`);
    },
    (a) => a,
  );

type Props = Record<string, t.Any>;
type Out<P extends Props> = { readonly [K in keyof P]: t.TypeOf<P[K]> };

/** The first io-ts error as a field path and reason (intersection/union indexes left out of the path). */
const problemOf = (errors: t.Errors, prefix: string): Problem => {
  const first = errors[0];
  if (first === undefined) return invalid(prefix === '' ? 'body' : prefix, 'is not valid');
  const path = first.context
    .filter(
      (entry, i) =>
        i > 0 &&
        entry.key !== '' &&
        !['IntersectionType', 'UnionType'].includes(String((first.context[i - 1]?.type as { _tag?: unknown })._tag)),
    )
    .map((entry) => entry.key);
  const field = [prefix, ...path].filter((p) => p !== '').join('.') || 'body';
  const reason = first.value === undefined ? 'is required' : (first.message ?? 'is not valid');
  return invalid(field, reason);
};

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * An object with exactly these fields (unknown fields are refused: a typo must not pass silently).
 * Optional fields may be absent; `undefined` counts as absent.
 */
const object =
  <R extends Props, O extends Props>(required: R, optional: O) =>
  (body: unknown, prefix = ''): E.Either<Problem, Out<R> & Partial<Out<O>>> => {
    if (!isRecord(body)) return E.left(invalid(prefix === '' ? 'body' : prefix, 'must be a JSON object'));
    const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
    const unknown = Object.keys(body).find((k) => !known.has(k));
    if (unknown !== undefined) return E.left(invalid([prefix, unknown].filter((p) => p !== '').join('.'), 'is not a known field'));
    const out: Record<string, unknown> = {};
    for (const [k, codec] of Object.entries(required)) {
      const r = codec.validate(body[k], [
        { key: '', type: codec, actual: body },
        { key: k, type: codec, actual: body[k] },
      ]);
      if (E.isLeft(r)) return E.left(problemOf(r.left, prefix));
      out[k] = r.right;
    }
    for (const [k, codec] of Object.entries(optional)) {
      if (body[k] === undefined) continue;
      const r = codec.validate(body[k], [
        { key: '', type: codec, actual: body },
        { key: k, type: codec, actual: body[k] },
      ]);
      if (E.isLeft(r)) return E.left(problemOf(r.left, prefix));
      out[k] = r.right;
    }
    return E.right(out as Out<R> & Partial<Out<O>>);
  };

/** Drops absent optional fields, so results satisfy `exactOptionalPropertyTypes`. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const DirectoryIdText = refined<DirectoryId>(
  'DirectoryId',
  'must be a directory id such as "google" or "microsoft"',
  (s) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(s),
  (s) => s as DirectoryId,
);
const DirectoryList = new t.Type<ReadonlyArray<DirectoryId>, unknown, unknown>(
  'Directories',
  (_u): _u is ReadonlyArray<DirectoryId> => false,
  (u, c) => {
    if (!Array.isArray(u) || u.length > 20) return t.failure(u, c, 'must be a list of at most 20 directory ids');
    const out: DirectoryId[] = [];
    for (const [i, item] of u.entries()) {
      const r = DirectoryIdText.validate(item, [...c, { key: String(i), type: DirectoryIdText, actual: item }]);
      if (E.isLeft(r)) return r;
      if (!out.includes(r.right)) out.push(r.right);
    }
    return t.success(out);
  },
  (a) => a,
);

const optionalAttributes = {
  displayName: Text,
  jobTitle: Text,
  department: Text,
  mobilePhone: Text,
  officeLocation: Text,
  employeeId: Text,
};

/** `POST /api/users`: `{ email, givenName, familyName, state, password?, displayName?, …, directories? }`. */
export const decodeCreateUser = (body: unknown): E.Either<Problem, CreateUserInput> =>
  E.map((o: Record<string, unknown>) => defined(o) as unknown as CreateUserInput)(
    object(
      { email: EmailText, givenName: Text, familyName: Text, state: oneOf('State', ['active', 'staged'] as const) },
      { password: Password, directories: DirectoryList, ...optionalAttributes },
    )(body),
  );

const clearable = (codec: t.Type<string, unknown, unknown>) =>
  nullable(codec, 'must be 1 to 256 characters without line breaks, or null to clear it');

/** `PATCH /api/users/:id`: the attributes to change; `null` clears an optional one. At least one. */
export const decodeAttributeChanges = (body: unknown): E.Either<Problem, AttributeChanges> => {
  const decoded = object(
    {},
    {
      email: EmailText,
      givenName: Text,
      familyName: Text,
      ...Object.fromEntries(Object.entries(optionalAttributes).map(([k, c]) => [k, clearable(c)])),
    },
  )(body);
  if (E.isLeft(decoded)) return decoded;
  const changes = defined(decoded.right as Record<string, string | null | undefined>);
  if (Object.keys(changes).length === 0)
    return E.left(
      invalid(
        'body',
        'must change at least one attribute (email, givenName, familyName, displayName, jobTitle, department, mobilePhone, officeLocation, employeeId)',
      ),
    );
  return E.right(changes);
};

/** `POST /api/users/:id/state`: `{ state }`. */
export const decodeStateChange = (body: unknown): E.Either<Problem, 'active' | 'staged' | 'suspended'> =>
  E.map((o: { readonly state: 'active' | 'staged' | 'suspended' }) => o.state)(
    object({ state: oneOf('State', ['active', 'staged', 'suspended'] as const) }, {})(body),
  );

/** `POST /api/users/:id/bindings`: `{ directoryId }`. */
export const decodeBinding = (body: unknown): E.Either<Problem, DirectoryId> =>
  E.map((o: { readonly directoryId: DirectoryId }) => o.directoryId)(object({ directoryId: DirectoryIdText }, {})(body));

/** `PATCH /api/directories/:id`: `{ passwordPush?, revokeSessionsOnPush? }`, at least one. */
export const decodePolicyChange = (body: unknown): E.Either<Problem, DirectoryPolicyChange> => {
  const decoded = object(
    {},
    { passwordPush: oneOf('PasswordPush', ['every-push', 'when-changed'] as const), revokeSessionsOnPush: Bool },
  )(body);
  if (E.isLeft(decoded)) return decoded;
  const change: DirectoryPolicyChange = defined(decoded.right);
  if (Object.keys(change).length === 0) return E.left(invalid('body', 'must change passwordPush or revokeSessionsOnPush'));
  return E.right(change);
};

/** A login: `{ email, password }`. The email is only checked for shape of text, so a wrong one is a 401, not a 400 that tells. */
export const decodeCredentials = (body: unknown): E.Either<Problem, { readonly email: string; readonly password: Secret }> =>
  E.map((o: { readonly email: string; readonly password: Secret }) => ({ email: o.email.toLowerCase(), password: o.password }))(
    object({ email: LoginText, password: Password }, {})(body),
  );

/** `POST /portal/api/activate`: `{ token, password }`. */
export const decodeActivation = (body: unknown): E.Either<Problem, { readonly token: string; readonly password: Secret }> =>
  object({ token: Token, password: Password }, {})(body);

/** `POST /portal/api/password`: `{ current, next }`. */
export const decodePasswordChange = (body: unknown): E.Either<Problem, { readonly current: Secret; readonly next: Secret }> =>
  object({ current: Password, next: Password }, {})(body);

/** `POST /demo/directories/:id/verify`: `{ userKey, password }`. */
export const decodeVerify = (body: unknown): E.Either<Problem, { readonly userKey: string; readonly password: Secret }> =>
  object({ userKey: Id, password: Password }, {})(body);

/** `POST /demo/directories/:id/users/:userKey/password`: `{ password }`. */
export const decodeDemoPassword = (body: unknown): E.Either<Problem, { readonly password: Secret }> =>
  object({ password: Password }, {})(body);

/** `POST /portal/api/password-check`: `{ token?, password }` (the live feedback). */
export const decodePasswordCheck = (body: unknown): E.Either<Problem, { readonly token?: string; readonly password: Secret }> =>
  E.map((o: { readonly token?: string; readonly password: Secret }) => defined(o))(object({ password: Password }, { token: Token })(body));

/** An absolute `https:` URL of at most 2,048 characters, without credentials in it. */
const isHttpsUrl = (s: string): boolean => {
  if (s.length > 2048 || CONTROL.test(s) || /\s/.test(s)) return false;
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
};
const HttpsUrl = refined(
  'HttpsUrl',
  'must be an https: address such as https://intranet.example.com/ (no other scheme, no user name or password in it)',
  isHttpsUrl,
  (s) => s,
);
const BookmarkName = refined(
  'BookmarkName',
  'must be 1 to 60 characters without line breaks',
  (s) => s.trim().length > 0 && s.trim().length <= 60 && nameProblem(s) === undefined,
  (s) => normaliseName(s),
);
/** An icon: an `https:` image address, or up to 4 characters (an emoji or initials) shown on the tile. */
const Icon = refined(
  'Icon',
  'must be an https: image address or up to 4 characters (an emoji or initials)',
  (s) => isHttpsUrl(s) || ([...s.trim()].length > 0 && [...s.trim()].length <= 4 && nameProblem(s) === undefined),
  (s) => s.trim(),
);

export const MAX_BOOKMARKS = 50;

/** `PUT /api/directories/:id/bookmarks`: `[{ name, url, icon? }]`, at most 50; a problem names the item (`[2].url`). */
export const decodeBookmarks = (body: unknown): E.Either<Problem, ReadonlyArray<BookmarkInput>> => {
  if (!Array.isArray(body)) return E.left(invalid('body', 'must be a JSON array of bookmarks [{ "name", "url", "icon"? }]'));
  if (body.length > MAX_BOOKMARKS) return E.left(invalid('body', `must hold at most ${String(MAX_BOOKMARKS)} bookmarks`));
  const out: BookmarkInput[] = [];
  for (const [i, item] of (body as ReadonlyArray<unknown>).entries()) {
    const decoded = object({ name: BookmarkName, url: HttpsUrl }, { icon: Icon })(item, `[${String(i)}]`);
    if (E.isLeft(decoded)) return decoded;
    out.push(defined<BookmarkInput>(decoded.right));
  }
  return E.right(out);
};

/** A failing binding's reason codes (core's `FailureClass`). */
const FAILURE_CLASSES = ['retryable', 'permanent', 'auth'] as const;
const ROLLOUT_STATES = ['awaiting-first-login', 'in-sync', 'pending', 'in-flight', 'failing', 'unresolved', 'paused'] as const;

/**
 * The user list's filter from a query string (`GET /api/users.csv?state=&directoryId=&sync=&failingReason=&text=`):
 * each parameter at most once, known values only; unknown parameters are refused (a typo must not export everyone).
 */
export const decodeUserListFilter = (given: unknown): E.Either<Problem, UserListFilter> => {
  const query: Readonly<Record<string, unknown>> = isRecord(given) ? given : {};
  const known = ['state', 'directoryId', 'sync', 'failingReason', 'text'];
  const unknown = Object.keys(query).find((k) => !known.includes(k));
  if (unknown !== undefined) return E.left(invalid(unknown.slice(0, 64), `is not a known filter (known: ${known.join(', ')})`));
  const one = (k: string): E.Either<Problem, string | undefined> => {
    const v = query[k];
    if (v === undefined) return E.right(undefined);
    if (typeof v !== 'string' || v.length > 256 || CONTROL.test(v))
      return E.left(invalid(k, 'must be given once, as text of at most 256 characters'));
    return E.right(v);
  };
  const out: Record<string, string> = {};
  for (const k of known) {
    const v = one(k);
    if (E.isLeft(v)) return v;
    if (v.right !== undefined && v.right !== '') out[k] = v.right;
  }
  if (out.state !== undefined && !['staged', 'active', 'suspended'].includes(out.state))
    return E.left(invalid('state', 'must be one of "staged", "active", "suspended"'));
  if (out.sync !== undefined && !(ROLLOUT_STATES as ReadonlyArray<string>).includes(out.sync))
    return E.left(invalid('sync', `must be one of ${ROLLOUT_STATES.map((s) => `"${s}"`).join(', ')}`));
  if (out.directoryId !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(out.directoryId))
    return E.left(invalid('directoryId', 'must be a directory id such as "google" or "microsoft"'));
  if (out.failingReason !== undefined && !(FAILURE_CLASSES as ReadonlyArray<string>).includes(out.failingReason))
    return E.left(invalid('failingReason', `must be one of ${FAILURE_CLASSES.map((s) => `"${s}"`).join(', ')}`));
  if (out.failingReason !== undefined && out.sync !== 'failing') return E.left(invalid('failingReason', 'needs sync=failing'));
  return E.right(out);
};

const LIST_KEYS = ['q', 'sort', 'order', 'limit', 'after', 'offset'];

/** `GET /api/users`: the user list's filter, sort, order, a page size and where to start. */
export interface UserListRequest {
  readonly query: UserListQuery;
  /** Users to skip before the page (walked by keyset pages, never an SQL OFFSET); never with `after`. */
  readonly offset?: number;
}

/**
 * `GET /api/users?state=&directoryId=&sync=&failingReason=&text=&sort=&order=&limit=&after=`: the
 * console's filters (`q` is the older name of `text`), `sort` email|name|updated, `order` asc|desc,
 * `limit` 1–500 (default 50), `after` the `next` of the previous page; `offset` for older callers.
 * Each parameter at most once; an unknown one is refused by name.
 */
export const decodeUserListRequest = (given: unknown): E.Either<Problem, UserListRequest> => {
  const query: Readonly<Record<string, unknown>> = isRecord(given) ? given : {};
  const filterPart: Record<string, unknown> = {};
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (!LIST_KEYS.includes(k)) {
      filterPart[k] = v;
      continue;
    }
    if (typeof v !== 'string' || v.length > 2_000 || CONTROL.test(v)) return E.left(invalid(k, 'must be given once, as text'));
    if (v !== '') rest[k] = v;
  }
  if (rest.q !== undefined) {
    if (filterPart.text !== undefined) return E.left(invalid('q', 'give text or q (its older name), not both'));
    filterPart.text = rest.q;
  }
  const filter = decodeUserListFilter(filterPart);
  if (E.isLeft(filter)) {
    const known = 'known: state, directoryId, sync, failingReason, text, q, sort, order, limit, after, offset';
    return E.left(
      filter.left.kind === 'invalid' && filter.left.reason.startsWith('is not a known filter')
        ? invalid(filter.left.field, `is not a known parameter (${known})`)
        : filter.left,
    );
  }
  if (rest.sort !== undefined && !['email', 'name', 'updated'].includes(rest.sort))
    return E.left(invalid('sort', 'must be one of "email", "name", "updated"'));
  if (rest.order !== undefined && rest.order !== 'asc' && rest.order !== 'desc') return E.left(invalid('order', 'must be "asc" or "desc"'));
  const whole = (k: string, min: number, max: number): E.Either<Problem, number | undefined> => {
    const v = rest[k];
    if (v === undefined) return E.right(undefined);
    if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max)
      return E.left(invalid(k, `must be a whole number from ${String(min)} to ${String(max)}`));
    return E.right(Number(v));
  };
  const limit = whole('limit', 1, 500);
  if (E.isLeft(limit)) return limit;
  const offset = whole('offset', 0, 1_000_000_000);
  if (E.isLeft(offset)) return offset;
  if (offset.right !== undefined && rest.after !== undefined) return E.left(invalid('offset', 'give after (a cursor) or offset, not both'));
  if (rest.after !== undefined && !/^[A-Za-z0-9_-]{1,2000}$/.test(rest.after))
    return E.left(invalid('after', 'must be the next cursor of a previous page'));
  return E.right({
    query: {
      filter: filter.right,
      ...(rest.sort === undefined ? {} : { sort: rest.sort as UserListSort }),
      ...(rest.order === undefined ? {} : { order: rest.order }),
      ...(limit.right === undefined ? {} : { limit: limit.right }),
      ...(rest.after === undefined ? {} : { after: rest.after }),
    },
    ...(offset.right === undefined || offset.right === 0 ? {} : { offset: offset.right }),
  });
};

/** `POST /portal/api/notifications/dismiss`: `{ ids: [...] }` (at most 500 ids) or `{ all: true }`. */
export const decodeDismiss = (body: unknown): E.Either<Problem, ReadonlyArray<string> | 'all'> => {
  if (!isRecord(body)) return E.left(invalid('body', 'must be a JSON object: { "ids": [...] } or { "all": true }'));
  const keys = Object.keys(body);
  if (keys.length !== 1 || (keys[0] !== 'ids' && keys[0] !== 'all'))
    return E.left(invalid('body', 'must have exactly one field: ids (a list of notification group ids) or all (true)'));
  if (keys[0] === 'all') return body.all === true ? E.right('all') : E.left(invalid('all', 'must be true'));
  const ids = body.ids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 500)
    return E.left(invalid('ids', 'must be a list of 1 to 500 notification group ids'));
  const bad = (ids as ReadonlyArray<unknown>).findIndex(
    (id) => typeof id !== 'string' || id.length === 0 || id.length > 1000 || CONTROL.test(id),
  );
  if (bad !== -1) return E.left(invalid(`ids.${String(bad)}`, 'must be a notification group id (text of 1 to 1000 characters)'));
  return E.right(ids as ReadonlyArray<string>);
};
