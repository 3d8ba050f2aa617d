import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { isSecret, reveal } from '@takeover/core';
import type { Secret } from '@takeover/core';
import type { DirectoryAttributes } from '../attributes.js';
import type { ConnectorError } from '../errors.js';
import { permanent } from '../errors.js';
import { classifyHttpStatus, classifyNoResponse } from '../http.js';
import type { ConnectorLogger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { unknowablePassword } from '../password.js';
import { diagnoseByDescribe } from '../ambiguity.js';
import type { DirectoryConnector, ExternalUserId, PasswordChangePage, PolicyViolation } from '../port.js';
import { externalUserId } from '../port.js';
import { scrubProvider } from '../scrub.js';
import type { ConformanceFixture, Fault } from './target.js';

interface Account {
  attributes: DirectoryAttributes;
  salt: string;
  verifier: string;
  fingerprint: string;
  suspended: boolean;
  revocations: number;
  passwordChangedAt: Date;
}

export interface InMemoryDirectoryOptions {
  readonly emailDomain?: string;
  readonly createUsers?: boolean;
  readonly revokeSessions?: boolean;
  readonly logger?: ConnectorLogger;
}

const digest = (salt: string, password: string): string => createHash('sha256').update(salt).update(password).digest('hex');

/** The directory's password policy, applied on every password set (and mirrored by its connector's `checkPassword`). */
const MIN_LENGTH = 8;
const policyViolations = (password: string): ReadonlyArray<PolicyViolation> =>
  [...password].length < MIN_LENGTH ? [{ rule: 'too-short' }] : [];

/** A provider's failure, as the in-memory "wire" reports it. */
type Wire = { readonly _wire: true } & (
  | { readonly status: number; readonly code: string; readonly message: string; readonly retryAfter?: number }
  | { readonly noResponse: string }
);

const isWire = (u: unknown): u is Wire => typeof u === 'object' && u !== null && '_wire' in u;

const faultToWire = (fault: Fault, password: string | undefined): Wire => {
  switch (fault.kind) {
    case 'not-found':
      return { _wire: true, status: 404, code: 'notFound', message: 'no such user' };
    case 'policy-reject':
      return {
        _wire: true,
        status: 400,
        code: 'policy',
        message: `password ${fault.echoPassword === true ? `"${password ?? ''}" ` : ''}breaks the policy`,
      };
    case 'forbidden':
      return { _wire: true, status: 403, code: 'forbidden', message: 'not allowed' };
    case 'auth':
      return { _wire: true, status: 401, code: 'unauthenticated', message: 'bad credentials' };
    case 'throttle':
      return { _wire: true, status: 429, code: 'throttled', message: 'slow down', retryAfter: fault.retryAfterSeconds * 1000 };
    case 'unavailable':
      return { _wire: true, status: 503, code: 'unavailable', message: 'try later' };
    case 'timeout':
      return { _wire: true, noResponse: 'ETIMEDOUT' };
    case 'connection-reset':
      return { _wire: true, noResponse: 'ECONNRESET' };
  }
};

/**
 * A directory in memory, with a connector over it and the conformance target: the reference the
 * suite is proven against, and a fake for engine tests (inject faults, read what was pushed).
 */
export const inMemoryDirectory = (options: InMemoryDirectoryOptions = {}): ConformanceFixture => {
  const emailDomain = options.emailDomain ?? 'example.com';
  const log = options.logger ?? silentLogger;
  const accounts = new Map<string, Account>();
  /** Every password change, in order, with who made it: the directory's audit feed (R16). */
  const changes: Array<{ readonly id: ExternalUserId; readonly at: Date; readonly by: string }> = [];
  const ourAccount = `takeover@${emailDomain}`;
  let nextFault: Fault | undefined;
  const fingerprintKey = randomBytes(32);

  const setPassword = (a: Account, password: string, change?: { readonly id: ExternalUserId; readonly by: string }): void => {
    a.salt = randomBytes(8).toString('hex');
    a.verifier = digest(a.salt, password);
    a.fingerprint = createHmac('sha256', fingerprintKey).update(password).digest('hex');
    // Strictly later than the change before it (two changes in one millisecond stay ordered).
    a.passwordChangedAt = new Date(Math.max(Date.now(), a.passwordChangedAt.getTime() + 1));
    if (change !== undefined) changes.push({ ...change, at: a.passwordChangedAt });
  };
  const external = (c: { readonly id: ExternalUserId; readonly at: Date; readonly by: string }) => ({
    externalId: c.id,
    changedAt: c.at,
    by: c.by,
  });
  const classify = (w: Wire, secrets: ReadonlyArray<Secret | undefined>): ConnectorError => {
    if ('noResponse' in w) return classifyNoResponse({ code: w.noResponse });
    const provider = scrubProvider({ status: w.status, code: w.code, message: w.message }, secrets);
    return w.status === 400 && w.code === 'policy'
      ? permanent('policy-rejected', provider)
      : classifyHttpStatus(w.status, provider, w.retryAfter);
  };
  /** One "request": the pending fault wins, else `body` runs against the store. */
  const request =
    <A>(op: string, body: () => A | Wire, secrets: ReadonlyArray<Secret | undefined> = []): TE.TaskEither<ConnectorError, A> =>
    () => {
      const fault = nextFault;
      nextFault = undefined;
      const password = secrets[0] === undefined ? undefined : reveal(secrets[0]);
      const out = fault === undefined ? body() : faultToWire(fault, password);
      log.debug(`in-memory ${op}`, { ok: !isWire(out) });
      return Promise.resolve(isWire(out) ? E.left(classify(out, secrets)) : E.right(out));
    };
  const notFound: Wire = { _wire: true, status: 404, code: 'notFound', message: 'no such user' };
  const refused: Wire = { _wire: true, status: 400, code: 'policy', message: 'the password breaks the policy' };
  const find = (email: string) => [...accounts.entries()].find(([, a]) => a.attributes.primaryEmail === email)?.[0];
  const create = (attributes: DirectoryAttributes, password: string): ExternalUserId => {
    const id = externalUserId(randomUUID());
    const account: Account = {
      attributes,
      salt: '',
      verifier: '',
      fingerprint: '',
      suspended: false,
      revocations: 0,
      passwordChangedAt: new Date(0),
    };
    setPassword(account, password);
    accounts.set(id, account);
    return id;
  };
  const revokeSessions = options.revokeSessions ?? true;

  const connector: DirectoryConnector = {
    kind: 'in-memory',
    capabilities: {
      revokeSessions,
      passwordSetEndsSessions: false,
      ambiguousPasswordSet: 'ask',
      createUsers: options.createUsers ?? true,
      hashFunctions: [],
      attributes: ['primaryEmail', 'givenName', 'familyName', 'displayName', 'jobTitle', 'department', 'mobilePhone'],
      externalChanges: { atLogin: true, sweep: true },
    },
    describe: () => request('describe', () => ({ kind: 'in-memory', displayName: 'In-memory directory', domain: emailDomain })),
    resolve: ({ externalKey, primaryEmail, create: fresh }) =>
      request('resolve', () => {
        if (externalKey !== undefined) return accounts.has(externalKey) ? { externalId: externalKey, how: 'by-key' as const } : notFound;
        const found = find(primaryEmail);
        if (found !== undefined) return { externalId: externalUserId(found), how: 'by-email' as const };
        if (fresh === undefined || options.createUsers === false) return notFound;
        return { externalId: create(fresh, reveal(unknowablePassword())), how: 'created' as const };
      }),
    suspend: (id) =>
      request('suspend', () => {
        const a = accounts.get(id);
        if (a === undefined) return notFound;
        a.suspended = true;
      }),
    reactivate: (id) =>
      request('reactivate', () => {
        const a = accounts.get(id);
        if (a === undefined) return notFound;
        a.suspended = false;
      }),
    push: ({ externalId, attributes, password, revokeSessions: revoke }) => {
      if (password !== undefined && !isSecret(password))
        return TE.left(permanent('invalid', { message: `hash format ${password.hashFunction} is not accepted` }));
      return request(
        'push',
        () => {
          const a = accounts.get(externalId);
          if (a === undefined) return notFound;
          if (password !== undefined && policyViolations(reveal(password)).length > 0) return refused;
          a.attributes = { ...a.attributes, ...attributes };
          if (password !== undefined) setPassword(a, reveal(password), { id: externalId, by: ourAccount });
          if (revoke === true && revokeSessions) a.revocations += 1;
          return {
            passwordSet: password !== undefined,
            sessions: revoke !== true ? ('not-requested' as const) : revokeSessions ? ('revoked' as const) : ('unsupported' as const),
            sessionsEnded: revoke === true && revokeSessions,
          };
        },
        [password],
      );
    },
    checkPassword: (password) => TE.right(policyViolations(reveal(password))),
    lastPasswordChange: (id) => request('lastPasswordChange', () => accounts.get(id)?.passwordChangedAt ?? notFound),
    // The audit names who acted: our own account's changes are left out.
    externalPasswordChange: (id) =>
      request('externalPasswordChange', () => {
        if (!accounts.has(id)) return notFound;
        const last = changes.filter((c) => c.id === id && c.by !== ourAccount).at(-1);
        return last === undefined ? null : external(last);
      }),
    // The cursor is a position in the audit feed.
    passwordChangesSince: (cursor) =>
      request('passwordChangesSince', (): PasswordChangePage | Wire => {
        const from = cursor === null ? 0 : Number(cursor);
        if (!Number.isInteger(from) || from < 0 || from > changes.length)
          return { _wire: true, status: 400, code: 'badCursor', message: 'the cursor is not one this directory gave' };
        return {
          changes: changes
            .slice(from)
            .filter((c) => c.by !== ourAccount)
            .map(external),
          cursor: String(changes.length),
          more: false,
        };
      }),
    diagnose: () => diagnoseByDescribe(connector.describe),
  };

  const account = (id: ExternalUserId): Account => {
    const a = accounts.get(id);
    if (a === undefined) throw new Error(`in-memory target: no account ${id}`);
    return a;
  };
  return {
    connector,
    target: {
      emailDomain,
      acceptsPassword: (password) => Promise.resolve(policyViolations(password).length === 0),
      passwordFingerprint: (id) => Promise.resolve(accounts.get(id)?.fingerprint),
      seedUser: ({ password, ...attributes }) => Promise.resolve(create(attributes, password)),
      passwordMatches: (id, password) => Promise.resolve(accounts.has(id) && account(id).verifier === digest(account(id).salt, password)),
      readAttributes: (id) => Promise.resolve({ ...account(id).attributes }),
      isSuspended: (id) => Promise.resolve(account(id).suspended),
      sessionRevocations: (id) => Promise.resolve(account(id).revocations),
      injectFault: (fault) => {
        nextFault = fault;
        return Promise.resolve();
      },
      changePasswordAsUser: (id, password) => {
        const a = account(id);
        setPassword(a, password, { id, by: String(a.attributes.primaryEmail ?? id) });
        return Promise.resolve();
      },
    },
    close: () => Promise.resolve(),
  };
};
