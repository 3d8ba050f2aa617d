// Input codecs for every body the HTTP layer takes (JSON or a form): io-ts at the edge, each failure
// as one `invalid` Problem naming the field and the reason. Passwords come out as `Secret`; no
// reason ever quotes a value.
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { DirectoryId } from '@takeover/core';
import { Secret } from '@takeover/core';
import type { AttributeChanges, CreateUserInput, DirectoryPolicyChange, Problem } from './HostApp.js';
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

/** `POST /portal/api/password-check`: `{ token?, password }` (the live feedback). */
export const decodePasswordCheck = (body: unknown): E.Either<Problem, { readonly token?: string; readonly password: Secret }> =>
  E.map((o: { readonly token?: string; readonly password: Secret }) => defined(o))(object({ password: Password }, { token: Token })(body));
