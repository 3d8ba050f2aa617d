// startGoogleEmulator: the Google Workspace emulator (plain HTTP, like a local Google API endpoint).
import * as E from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { registerAdminRoutes } from '../common/adminRoutes.js';
import type { UserPasswordChange } from '../common/adminRoutes.js';
import { changePasswordAsUser } from './users.js';
import { offsetClock } from '../common/clock.js';
import type { EmulatorControl, SeedRejected } from '../common/control.js';
import { faultRegistry } from '../common/faults.js';
import { ADMIN_PREFIX, createServer, decodedPath, installApiHooks, listen, parseJson } from '../common/http.js';
import type { LogSink } from '../common/http.js';
import { requestStats } from '../common/requestStats.js';
import { tokenBuckets } from '../common/tokenBucket.js';
import type { QuotaSpec } from '../common/tokenBucket.js';
import { fingerprintOf, matches } from '../common/verifier.js';
import { checkPassword } from './password.js';
import type { ServiceAccountKey } from './applySeed.js';
import { applyGoogleSeed } from './applySeed.js';
import { googleError, renderGoogleError } from './errors.js';
import type { GoogleUserInspection } from './render.js';
import { inspectUser } from './render.js';
import type { GoogleQuotaName, GoogleRuntime } from './runtime.js';
import { registerGoogleRoutes } from './routes.js';
import { defaultGoogleSeed, GoogleSeed } from './seed.js';
import type { GoogleAuditEntry } from './state.js';
import { emptyGoogleState, findUser } from './state.js';
import { googleDump } from './dump.js';
import type { GoogleDump } from './dump.js';

export interface GoogleEmulatorOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Domains, service accounts and users; missing parts take the defaults (example.com, admin@example.com, one service account). */
  readonly seed?: GoogleSeed;
  /** Default perUser 2,400/60 s (the published limit); perAccount and concurrent off (unpublished). */
  readonly quotas?: Partial<Record<'perUser' | 'perAccount', QuotaSpec | null>> & { readonly concurrent?: number | null };
  /** Access token lifetime, default 3600 s. */
  readonly tokenLifetimeSeconds?: number;
  /** scrypt cost parameter N for password verifiers, default 4096 (a power of two). */
  readonly scryptN?: number;
  /** Receives one line per request (method, path, status, time); never a body. */
  readonly log?: LogSink;
  /**
   * `default`: no propagation delay (unit tests that don't care). `realistic`: the awkward timing of
   * the real service, today a new user's propagation delay of REALISTIC_PROPAGATION_DELAY_MS.
   */
  readonly profile?: GoogleProfile;
  /**
   * Overrides the profile: for this long (emulator clock) after users.insert, mutate calls on the new
   * user answer 412 "User creation is not complete." and reads 404 notFound. Tests advance the
   * emulator's clock past it instead of sleeping.
   */
  readonly propagationDelayMs?: number;
  /** Overrides the profile: how long after an event the Reports API lists it (emulator clock). */
  readonly reportsLagMs?: number;
  /** When set, the /__admin API requires `Authorization: Bearer <adminToken>`. */
  readonly adminToken?: string;
  /**
   * Called after every API request that may have changed the state (a write that succeeded), before
   * its answer is sent: a host that keeps the state on disk saves it here, so a crash never loses an
   * account the caller was told exists.
   *
   * When it returns a promise, the answer waits for it: a host can then save the writes of several
   * requests at once, each answered only once the save holding its change is done (and answered
   * with an error when the promise rejects: the caller is never told of a change that was not kept).
   */
  readonly onChange?: () => void | Promise<void>;
}

export type GoogleProfile = 'default' | 'realistic';

/** A few seconds: the order of what callers of users.insert report (the reference gives no figure). */
export const REALISTIC_PROPAGATION_DELAY_MS = 2000;

export const profilePropagationDelayMs = (profile: GoogleProfile): number => (profile === 'realistic' ? REALISTIC_PROPAGATION_DELAY_MS : 0);

/**
 * "Near real time (couple of minutes)" for admin and user log events ("Data retention and lag
 * times", support.google.com/a/answer/7061566): the Reports API lists an event this long after it.
 */
export const REALISTIC_REPORTS_LAG_MS = 3 * 60_000;

export const profileReportsLagMs = (profile: GoogleProfile): number => (profile === 'realistic' ? REALISTIC_REPORTS_LAG_MS : 0);

export interface GoogleEmulator extends EmulatorControl<GoogleQuotaName> {
  /** Base URL with a trailing slash: the Admin SDK client's `rootUrl`. */
  readonly url: string;
  /** Where the rewritten token request must go (the JWT client otherwise posts to oauth2.googleapis.com). */
  readonly tokenUrl: string;
  readonly customerId: string;
  readonly domains: ReadonlyArray<string>;
  /** The first service account's key file (with a generated private key unless one was seeded). */
  readonly credentials: ServiceAccountKey;
  readonly serviceAccounts: ReadonlyArray<ServiceAccountKey>;
  /** The first seeded admin: the `subject` to impersonate. */
  readonly adminEmail: string;
  /** Switches the propagation delay for users created from now on (0: none). */
  readonly setPropagationDelay: (ms: number) => void;
  readonly propagationDelayMs: () => number;
  /** The user signs in somewhere (a browser, a phone): one more open session. Returns the count. */
  readonly signIn: (userKey: string) => number;
  /** Which scopes a service account is authorised for in domain-wide delegation (Admin console → Security → API controls). */
  readonly setDelegatedScopes: (clientEmail: string, scopes: ReadonlyArray<string>) => void;
  /** Makes a user a super admin or takes it away (the impersonated admin must be one). */
  readonly setSuperAdmin: (userKey: string, isAdmin: boolean) => void;
  /** Adds to the state (users are replaced by primary email). */
  readonly seed: (seed: unknown) => Promise<E.Either<SeedRejected, void>>;
  readonly user: (userKey: string) => GoogleUserInspection | undefined;
  /** Whether `candidate` is the user's password (false for an unknown user or a crypt hash). */
  readonly passwordMatches: (userKey: string, candidate: string) => Promise<boolean>;
  /** Whether a password set with this plaintext would be accepted (Google's rules: 8 to 100 printable ASCII characters). */
  readonly acceptsPassword: (password: string) => boolean;
  /**
   * A keyed digest of the user's current password, equal for two users exactly when their passwords
   * are (tests proving a created account's password is its own); undefined if none was set from a plaintext here.
   */
  readonly passwordFingerprint: (userKey: string) => string | undefined;
  readonly audit: () => ReadonlyArray<GoogleAuditEntry>;
  /**
   * The user changes their own password in their Google Account, outside the Admin SDK: listed by
   * the Reports API under `user_accounts` (after the reports lag). Google's rules apply.
   */
  readonly changePasswordAsUser: (userKey: string, password: string) => Promise<UserPasswordChange>;
  /** Switches the Reports API's lag (0: events are listed at once). */
  readonly setReportsLag: (ms: number) => void;
  /** The whole state as JSON-safe data (password verifiers included, never a plaintext). */
  readonly dump: () => GoogleDump;
  readonly close: () => Promise<void>;
}

export const startGoogleEmulator = async (options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> => {
  const clock = offsetClock();
  const state = emptyGoogleState();
  const rt: GoogleRuntime = {
    state,
    clock,
    scrypt: { N: options.scryptN ?? 4096 },
    perUser: tokenBuckets(options.quotas?.perUser === undefined ? { limit: 2400, windowSeconds: 60 } : options.quotas.perUser, clock),
    perAccount: tokenBuckets(options.quotas?.perAccount ?? null, clock),
    concurrentLimit: options.quotas?.concurrent ?? null,
    inFlight: 0,
    propagationDelayMs: options.propagationDelayMs ?? profilePropagationDelayMs(options.profile ?? 'default'),
    reportsLagMs: options.reportsLagMs ?? profileReportsLagMs(options.profile ?? 'default'),
  };
  const faults = faultRegistry();
  const stats = requestStats();
  const app = createServer(options.log === undefined ? {} : { log: options.log });
  // Requests in progress (including any injected latency) for the concurrent-request quota.
  app.addHook('onRequest', async (req, reply) => {
    if (decodedPath(req).startsWith(ADMIN_PREFIX)) return;
    rt.inFlight += 1;
    reply.raw.once('close', () => {
      rt.inFlight -= 1;
    });
  });
  installApiHooks(app, {
    faults,
    stats,
    ...(options.onChange === undefined ? {} : { onChange: options.onChange }),
    renderFault: (f) => {
      const e = googleError(f.reason ?? (f.status === 503 ? 'backendError' : 'internalError'), f.message, f.status);
      const r = renderGoogleError(e);
      return f.retryAfterSeconds === undefined ? r : { ...r, headers: { ...r.headers, 'retry-after': String(f.retryAfterSeconds) } };
    },
    submittedPassword: (req) => {
      const body = parseJson(req);
      const password =
        body._tag === 'Parsed' && typeof body.value === 'object' && body.value !== null
          ? (body.value as Record<string, unknown>)['password']
          : undefined;
      return typeof password === 'string' ? password : undefined;
    },
  });

  const host = options.host ?? '127.0.0.1';
  // Routes need the token URL, known only once listening: register on a placeholder, fill in after.
  let tokenUrl = '';
  registerGoogleRoutes(app, rt, () => tokenUrl, options.tokenLifetimeSeconds ?? 3600);

  const seed = options.seed ?? {};
  const keys = [
    ...(await applyGoogleSeed(
      state,
      {
        customerId: seed.customerId ?? defaultGoogleSeed.customerId,
        domains: seed.domains ?? defaultGoogleSeed.domains,
        serviceAccounts: seed.serviceAccounts ?? defaultGoogleSeed.serviceAccounts,
        users: seed.users ?? defaultGoogleSeed.users,
      },
      rt.scrypt,
      '',
    )),
  ];

  const control: EmulatorControl<GoogleQuotaName> = {
    injectFault: faults.add,
    clearFaults: faults.clear,
    faults: faults.list,
    setQuota: (name, spec) => {
      if (name === 'concurrent') rt.concurrentLimit = spec?.limit ?? null;
      else (name === 'perUser' ? rt.perUser : rt.perAccount).set(spec);
    },
    quotas: () => ({
      perUser: rt.perUser.spec(),
      perAccount: rt.perAccount.spec(),
      concurrent: rt.concurrentLimit === null ? null : { limit: rt.concurrentLimit, windowSeconds: 0 },
    }),
    requestCounts: stats.snapshot,
    resetRequestCounts: stats.reset,
    errorAnswers: stats.errorAnswers,
    advanceClock: clock.advance,
  };
  const seedMore = async (raw: unknown): Promise<E.Either<SeedRejected, void>> => {
    const decoded = GoogleSeed.decode(raw);
    if (E.isLeft(decoded)) return E.left({ _tag: 'SeedRejected', message: PathReporter.report(decoded).join('; ') });
    keys.push(...(await applyGoogleSeed(state, decoded.right, rt.scrypt, tokenUrl)));
    return E.right(undefined);
  };
  const passwordMatches = async (key: string, candidate: string): Promise<boolean> => {
    const u = findUser(state, key);
    return u?.password == null ? false : matches(u.password, candidate);
  };
  const changeAsUser = async (k: string, password: string): Promise<UserPasswordChange> => {
    const r = await changePasswordAsUser(rt, k, password);
    if (E.isRight(r)) return { _tag: 'Changed' };
    return r.left.status === 404 ? { _tag: 'NoSuchUser' } : { _tag: 'Rejected', message: r.left.message };
  };
  registerAdminRoutes(app, {
    adminToken: options.adminToken,
    control,
    quotaNames: ['perUser', 'perAccount', 'concurrent'],
    seed: seedMore,
    dump: () => googleDump(state),
    user: (k) => {
      const u = findUser(state, k);
      return u === undefined ? undefined : inspectUser(u, clock.now());
    },
    passwordMatches: async (k, c) => (findUser(state, k) === undefined ? undefined : passwordMatches(k, c)),
    audit: () => state.audit,
    changePasswordAsUser: changeAsUser,
  });

  const port = await listen(app, host, options.port ?? 0);
  const url = `http://${host}:${port}/`;
  tokenUrl = `${url}token`;
  const withTokenUri = (k: ServiceAccountKey): ServiceAccountKey => ({ ...k, token_uri: tokenUrl });
  const first = keys[0];
  const admin = [...state.users.values()].find((u) => u.isAdmin);
  if (first === undefined || admin === undefined) {
    await app.close();
    throw new Error('google emulator: the seed needs at least one service account and one admin user');
  }
  return {
    ...control,
    url,
    tokenUrl,
    customerId: state.customerId,
    get domains() {
      return [...state.domains];
    },
    credentials: withTokenUri(first),
    get serviceAccounts() {
      return keys.map(withTokenUri);
    },
    adminEmail: admin.primaryEmail,
    setPropagationDelay: (ms) => {
      rt.propagationDelayMs = Math.max(0, ms);
    },
    propagationDelayMs: () => rt.propagationDelayMs,
    signIn: (k) => {
      const u = findUser(state, k);
      if (u === undefined) throw new Error(`google emulator: no user ${k}`);
      u.activeSessions += 1;
      return u.activeSessions;
    },
    setDelegatedScopes: (clientEmail, scopes) => {
      const sa = state.serviceAccounts.get(clientEmail.toLowerCase());
      if (sa === undefined) throw new Error(`google emulator: no service account ${clientEmail}`);
      state.serviceAccounts.set(sa.clientEmail, { ...sa, delegatedScopes: [...scopes] });
    },
    setSuperAdmin: (k, isAdmin) => {
      const u = findUser(state, k);
      if (u === undefined) throw new Error(`google emulator: no user ${k}`);
      u.isAdmin = isAdmin;
    },
    seed: seedMore,
    user: (k) => {
      const u = findUser(state, k);
      return u === undefined ? undefined : inspectUser(u, clock.now());
    },
    passwordMatches,
    acceptsPassword: (password) => E.isRight(checkPassword(password, undefined)),
    passwordFingerprint: (k) => {
      const u = findUser(state, k);
      return u?.password == null ? undefined : fingerprintOf(u.password);
    },
    audit: () => [...state.audit],
    changePasswordAsUser: changeAsUser,
    setReportsLag: (ms) => {
      rt.reportsLagMs = Math.max(0, ms);
    },
    dump: () => googleDump(state),
    close: () => app.close(),
  };
};
