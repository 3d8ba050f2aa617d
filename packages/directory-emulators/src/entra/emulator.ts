// startEntraEmulator: the Microsoft Entra ID + Graph emulator, over HTTPS with a CA and server
// certificate generated for this run (Graph's client sends no Authorization header over http, and
// @azure/identity requires an https authority).
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { registerAdminRoutes } from '../common/adminRoutes.js';
import type { UserPasswordChange } from '../common/adminRoutes.js';
import { offsetClock } from '../common/clock.js';
import type { EmulatorControl, SeedRejected } from '../common/control.js';
import { faultRegistry } from '../common/faults.js';
import { createServer, installApiHooks, listen, parseJson } from '../common/http.js';
import type { LogSink } from '../common/http.js';
import { requestStats } from '../common/requestStats.js';
import { generateCertificateAuthority } from '../common/tls.js';
import { tokenBuckets } from '../common/tokenBucket.js';
import type { QuotaSpec } from '../common/tokenBucket.js';
import { fingerprintOf, matches } from '../common/verifier.js';
import { compliesWithEntraPolicy } from './policy.js';
import type { EntraAppCredentials, EntraTenantInfo } from './applySeed.js';
import { applyEntraSeed } from './applySeed.js';
import type { EntraDump } from './dump.js';
import { entraDump } from './dump.js';
import { graphError, renderGraphError } from './errors.js';
import type { EntraUserInspection } from './render.js';
import { inspectEntraUser } from './render.js';
import { registerEntraRoutes } from './routes.js';
import type { EntraSettings } from './adminExtras.js';
import { changePasswordAsUser } from './users.js';
import { registerEntraAdminRoutes } from './adminExtras.js';
import type { EntraQuotaName, EntraRuntime } from './runtime.js';
import { defaultEntraTenant, EntraSeed } from './seed.js';
import type { EntraAuditEntry, EntraState, EntraUser } from './state.js';
import { emptyEntraState, findEntraUser, appendEntraAudit } from './state.js';

export interface EntraEmulatorOptions {
  readonly host?: string;
  readonly port?: number;
  /** Tenants with domains, apps and users; default: one Contoso tenant with one app (secret + certificate) and one user. */
  readonly seed?: EntraSeed;
  /**
   * Default appTenantWrites 3,000/150 s, tenantWrites 18,000/300 s and appTenantResourceUnits
   * 3,500/10 s (the published limits; resource units for a tenant under 50 users).
   */
  readonly quotas?: Partial<Record<EntraQuotaName, QuotaSpec | null>>;
  readonly tokenLifetimeSeconds?: number;
  readonly scryptN?: number;
  /** Where ca.pem and the app certificates are written (default: a new temp directory, removed on close). */
  readonly certificateDir?: string;
  /**
   * The CA and the server certificate it signed for `host` (and localhost, 127.0.0.1, ::1), kept from
   * an earlier run (`EntraEmulator.tls`) so a restarted emulator is trusted by clients that kept the
   * CA, and starts without generating keys; default: generated for this run (three RSA key pairs,
   * the slow part of a start). Not checked for expiry: the caller renews what it keeps.
   */
  readonly tls?: EntraTls;
  readonly log?: LogSink;
  /**
   * `default`: no propagation delay (unit tests that don't care). `realistic`: the real service's
   * awkward timing on (propagation after create: `REALISTIC_PROPAGATION_DELAY_MS`). Everything else
   * that is strict (roles, federated domains, audiences, form-decoded queries, resource units) is
   * always on.
   */
  readonly profile?: EntraProfile;
  /** Overrides the profile's delay: how long a user created by POST /users answers 404 (emulator clock). */
  readonly propagationDelayMs?: number;
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

export type EntraProfile = 'default' | 'realistic';

/** What a restart can reuse instead of generating keys: the CA, the server's certificate and key, the token-signing key (PEM). */
export interface EntraTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly signingKeyPem: string;
}

/**
 * "Designing for eventual consistency for Microsoft Entra" speaks of seconds (occasionally longer);
 * a few seconds is what the realistic profile models.
 */
export const REALISTIC_PROPAGATION_DELAY_MS = 3000;

export const profilePropagationDelayMs = (profile: EntraProfile): number => (profile === 'realistic' ? REALISTIC_PROPAGATION_DELAY_MS : 0);

export interface EntraEmulator extends EmulatorControl<EntraQuotaName> {
  /** https://127.0.0.1:port/ */
  readonly url: string;
  /** For @azure/identity's `authorityHost` (https, no trailing slash). */
  readonly authorityHost: string;
  /** For the Graph client's `baseUrl` (it appends the version, e.g. v1.0). */
  readonly graphBaseUrl: string;
  /** For the Graph client's `customHosts` (a host name, no port). */
  readonly hostname: string;
  /** The CA that signed the server certificate: trust it (NODE_EXTRA_CA_CERTS or an agent/dispatcher `ca`). */
  readonly caPem: string;
  readonly caCertPath: string;
  /** The CA, server certificate and keys this run uses: pass them as `tls` to a later start to skip generating them. */
  readonly tls: EntraTls;
  readonly tenants: ReadonlyArray<EntraTenantInfo>;
  /** The first tenant's id. */
  readonly tenantId: string;
  /** The first tenant's first app (client secret, and certificate when generated). */
  readonly app: EntraAppCredentials;
  /** Where each app certificate (private key + certificate PEM) was written, by client id. */
  readonly certificatePaths: Readonly<Record<string, string>>;
  readonly seed: (seed: unknown) => Promise<E.Either<SeedRejected, void>>;
  /** A user by id or userPrincipalName, in any tenant. */
  readonly user: (key: string) => EntraUserInspection | undefined;
  readonly passwordMatches: (key: string, candidate: string) => Promise<boolean>;
  /** Whether a password set with this plaintext would be accepted in the tenant (default the first), without `DisableStrongPassword`. */
  readonly acceptsPassword: (password: string, tenantId?: string) => boolean;
  /**
   * A keyed digest of the user's current password, equal for two users exactly when their passwords
   * are (tests proving a created account's password is its own); undefined if none was set from a plaintext here.
   */
  readonly passwordFingerprint: (key: string) => string | undefined;
  /** Grant or withdraw application permissions; tokens issued afterwards carry them. */
  readonly setAppPermissions: (clientId: string, permissions: ReadonlyArray<string>) => void;
  /** Assign directory roles to the app's service principal (replacing its roles); e.g. `[]` to withdraw User Administrator. */
  readonly setAppRoles: (clientId: string, roles: ReadonlyArray<string>) => void;
  /** Give a user directory roles (replacing them): any role makes it a privileged target. */
  readonly setUserRoles: (key: string, roles: ReadonlyArray<string>) => void;
  /** A domain's authenticationType (the domain is added to its tenant if missing). */
  readonly setDomainAuthentication: (domain: string, authenticationType: 'Managed' | 'Federated', tenantId?: string) => void;
  /** Switch the timing profile at run time (sets the propagation delay to the profile's). */
  readonly setProfile: (profile: EntraProfile) => void;
  readonly setPropagationDelay: (ms: number) => void;
  readonly propagationDelayMs: () => number;
  readonly audit: () => ReadonlyArray<EntraAuditEntry>;
  /**
   * The user changes their own password (self-service), outside any app: `lastPasswordChangeDateTime`
   * moves and the user shows in the next `/users/delta` round. The tenant's policy applies.
   */
  readonly changePasswordAsUser: (key: string, password: string) => Promise<UserPasswordChange>;
  /**
   * An admin deletes the user in the Entra admin center, outside any app (what Graph's
   * `DELETE /users/{id}` does: deleted, restorable for 30 days): the next `/users/delta` lists it as
   * `{ id, "@removed": { reason: "changed" } }`. False when there is no such user.
   */
  readonly deleteUserAsAdmin: (key: string) => boolean;
  readonly dump: () => EntraDump;
  readonly close: () => Promise<void>;
}

const anyUser = (s: EntraState, key: string): EntraUser | undefined => {
  for (const t of s.tenants.values()) {
    const u = findEntraUser(t, key);
    if (u !== undefined) return u;
  }
  return undefined;
};

/** A CA for this run, the server certificate it signs for `host`, and a token-signing key. */
const generateTls = (host: string): EntraTls => {
  const ca = generateCertificateAuthority();
  const server = ca.issue([host, 'localhost', '127.0.0.1', '::1']);
  const signingKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem, signingKeyPem };
};

export const startEntraEmulator = async (options: EntraEmulatorOptions = {}): Promise<EntraEmulator> => {
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls ?? generateTls(host);
  const dir = options.certificateDir ?? (await mkdtemp(join(tmpdir(), 'takeover-entra-')));
  const caCertPath = join(dir, 'ca.pem');
  await writeFile(caCertPath, tls.caPem);

  const clock = offsetClock();
  const state = emptyEntraState();
  const privateKey = createPrivateKey(tls.signingKeyPem);
  const rt: EntraRuntime = {
    state,
    clock,
    scrypt: { N: options.scryptN ?? 4096 },
    signer: { kid: randomBytes(20).toString('base64url'), privateKey, publicKey: createPublicKey(privateKey) },
    appTenantWrites: tokenBuckets(
      options.quotas?.appTenantWrites === undefined ? { limit: 3000, windowSeconds: 150 } : options.quotas.appTenantWrites,
      clock,
    ),
    tenantWrites: tokenBuckets(
      options.quotas?.tenantWrites === undefined ? { limit: 18000, windowSeconds: 300 } : options.quotas.tenantWrites,
      clock,
    ),
    appTenantResourceUnits: tokenBuckets(
      options.quotas?.appTenantResourceUnits === undefined ? { limit: 3500, windowSeconds: 10 } : options.quotas.appTenantResourceUnits,
      clock,
    ),
    propagationDelayMs: options.propagationDelayMs ?? profilePropagationDelayMs(options.profile ?? 'default'),
  };
  const faults = faultRegistry();
  const stats = requestStats();
  const app = createServer({
    tls: { key: tls.keyPem, cert: tls.certPem },
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  installApiHooks(app, {
    faults,
    stats,
    ...(options.onChange === undefined ? {} : { onChange: options.onChange }),
    renderFault: (f, req) => {
      const code = f.reason ?? (f.status === 429 ? 'TooManyRequests' : f.status >= 500 ? 'ServiceNotAvailable' : 'BadRequest');
      const e = graphError(
        f.status,
        code,
        f.message ?? code,
        f.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(f.retryAfterSeconds) },
      );
      const cid = req.headers['client-request-id'];
      return renderGraphError(e, clock.now(), typeof cid === 'string' ? cid : undefined);
    },
    submittedPassword: (req) => {
      const body = parseJson(req);
      const profile =
        body._tag === 'Parsed' && typeof body.value === 'object' && body.value !== null
          ? (body.value as Record<string, unknown>)['passwordProfile']
          : undefined;
      const password = typeof profile === 'object' && profile !== null ? (profile as Record<string, unknown>)['password'] : undefined;
      return typeof password === 'string' ? password : undefined;
    },
  });
  let base = '';
  registerEntraRoutes(app, rt, () => base, options.tokenLifetimeSeconds ?? 3600);

  const certificatePaths: Record<string, string> = {};
  const tenants: EntraTenantInfo[] = [];
  const addSeed = async (seed: EntraSeed): Promise<void> => {
    const added = await applyEntraSeed(state, seed, rt.scrypt);
    for (const t of added) {
      for (const a of t.apps) {
        if (a.certificate === undefined) continue;
        const path = join(dir, `${a.clientId}.pem`);
        await writeFile(path, a.certificate.pemWithKey, { mode: 0o600 });
        certificatePaths[a.clientId] = path;
      }
      const i = tenants.findIndex((x) => x.id === t.id);
      if (i >= 0) tenants[i] = { ...t, apps: [...(tenants[i]?.apps ?? []), ...t.apps] };
      else tenants.push(t);
    }
  };
  await addSeed({ tenants: options.seed?.tenants ?? [defaultEntraTenant] });

  const control: EmulatorControl<EntraQuotaName> = {
    injectFault: faults.add,
    clearFaults: faults.clear,
    faults: faults.list,
    setQuota: (name, spec) => rt[name].set(spec),
    quotas: () => ({
      appTenantWrites: rt.appTenantWrites.spec(),
      tenantWrites: rt.tenantWrites.spec(),
      appTenantResourceUnits: rt.appTenantResourceUnits.spec(),
    }),
    requestCounts: stats.snapshot,
    resetRequestCounts: stats.reset,
    errorAnswers: stats.errorAnswers,
    advanceClock: clock.advance,
  };
  const seedMore = async (raw: unknown): Promise<E.Either<SeedRejected, void>> => {
    const decoded = EntraSeed.decode(raw);
    if (E.isLeft(decoded)) return E.left({ _tag: 'SeedRejected', message: PathReporter.report(decoded).join('; ') });
    await addSeed(decoded.right);
    return E.right(undefined);
  };
  const passwordMatches = async (key: string, candidate: string): Promise<boolean> => {
    const u = anyUser(state, key);
    return u?.password == null ? false : matches(u.password, candidate);
  };
  const changeAsUser = async (key: string, password: string): Promise<UserPasswordChange> => {
    const found = anyUser(state, key);
    const t = found === undefined ? undefined : [...state.tenants.values()].find((x) => x.users.get(found.id) === found);
    if (found === undefined || t === undefined) return { _tag: 'NoSuchUser' };
    const r = await changePasswordAsUser(rt, t, found.id, password);
    if (E.isRight(r)) return { _tag: 'Changed' };
    return r.left.status === 404 ? { _tag: 'NoSuchUser' } : { _tag: 'Rejected', message: r.left.message };
  };
  const deleteAsAdmin = (key: string): boolean => {
    const found = anyUser(state, key);
    const t = found === undefined ? undefined : [...state.tenants.values()].find((x) => x.users.get(found.id) === found);
    if (found === undefined || t === undefined) return false;
    t.users.delete(found.id);
    appendEntraAudit(state, {
      activityDateTime: new Date(clock.now()).toISOString(),
      activityDisplayName: 'Delete user',
      initiatedByApp: '',
      initiatedByUser: 'admin-center',
      targetUserPrincipalName: found.userPrincipalName,
      tenantId: t.id,
    });
    return true;
  };
  const user = (key: string): EntraUserInspection | undefined => {
    const u = anyUser(state, key);
    return u === undefined ? undefined : inspectEntraUser(u);
  };
  const apps = (clientId: string) =>
    [...state.tenants.values()].flatMap((t) => {
      const x = t.apps.get(clientId.toLowerCase());
      return x === undefined ? [] : [x];
    });
  const settings: EntraSettings = {
    setAppPermissions: (clientId, permissions) => {
      for (const a of apps(clientId)) a.permissions = [...permissions];
    },
    setAppRoles: (clientId, roles) => {
      for (const a of apps(clientId)) a.directoryRoles = [...roles];
    },
    setUserRoles: (key, roles) => {
      const u = anyUser(state, key);
      if (u !== undefined) u.roles = [...roles];
    },
    setDomainAuthentication: (domain, authenticationType, tenantId) => {
      const t =
        state.tenants.get((tenantId ?? tenants[0]?.id ?? '').toLowerCase()) ??
        [...state.tenants.values()].find((x) => x.domains.has(domain.toLowerCase()));
      if (t === undefined) return;
      t.domains.add(domain.toLowerCase());
      t.domainAuthentication.set(domain.toLowerCase(), authenticationType);
    },
    setProfile: (profile) => {
      rt.propagationDelayMs = profilePropagationDelayMs(profile);
    },
    setPropagationDelay: (ms) => {
      rt.propagationDelayMs = ms;
    },
    propagationDelayMs: () => rt.propagationDelayMs,
  };
  registerEntraAdminRoutes(app, settings);
  registerAdminRoutes(app, {
    adminToken: options.adminToken,
    control,
    quotaNames: ['appTenantWrites', 'tenantWrites', 'appTenantResourceUnits'],
    seed: seedMore,
    dump: () => entraDump(state),
    user,
    passwordMatches: async (k, c) => (anyUser(state, k) === undefined ? undefined : passwordMatches(k, c)),
    audit: () => state.audit,
    changePasswordAsUser: changeAsUser,
  });

  const port = await listen(app, host, options.port ?? 0);
  base = `https://${host}:${port}/`;
  const first = tenants[0];
  const firstApp = first?.apps[0];
  if (first === undefined || firstApp === undefined) {
    await app.close();
    throw new Error('entra emulator: the seed needs at least one tenant with one app');
  }
  return {
    ...control,
    url: base,
    authorityHost: base.slice(0, -1),
    graphBaseUrl: base,
    hostname: host,
    caPem: tls.caPem,
    caCertPath,
    tls,
    tenants,
    tenantId: first.id,
    app: firstApp,
    certificatePaths,
    seed: seedMore,
    user,
    passwordMatches,
    acceptsPassword: (password, tenantId = first.id) => {
      const t = state.tenants.get(tenantId);
      if (t === undefined) throw new Error(`entra emulator: no tenant ${tenantId}`);
      return compliesWithEntraPolicy(password, { disableStrongPassword: false, banned: [...t.bannedPasswords, t.displayName] });
    },
    passwordFingerprint: (k) => {
      const u = anyUser(state, k);
      return u?.password == null ? undefined : fingerprintOf(u.password);
    },
    ...settings,
    audit: () => [...state.audit],
    changePasswordAsUser: changeAsUser,
    deleteUserAsAdmin: deleteAsAdmin,
    dump: () => entraDump(state),
    close: async () => {
      await app.close();
      if (options.certificateDir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
};
