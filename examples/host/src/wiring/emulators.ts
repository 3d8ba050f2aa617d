// The demo directories: a Google Workspace and a Microsoft 365 tenant, both on example.com, started
// in process. Their state is kept in DATA_DIR/emulators/state.json (password verifiers from the
// emulators' dumps, never a plaintext), so a restart keeps every account and password. It is
// written through: after every request that changed an emulator and before its answer is sent (the
// emulators' `onChange`), so before the engine can record what it said, atomically (temp file + rename), so a
// `kill -9` never loses an account the events say exists (issue 17 #10). Each emulator's /__admin
// API requires a per-run token only this host holds (issue 17 #9). The Entra emulator's CA and keys are
// kept there too, so a restart generates none (the file is the owner's only, 0600, in DATA_DIR).
import { generateKeyPairSync, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import {
  DEFAULT_APP_PERMISSIONS,
  DIRECTORY_USER_SCOPE,
  DIRECTORY_USER_SECURITY_SCOPE,
  REPORTS_AUDIT_READONLY_SCOPE,
  startEntraEmulator,
  startGoogleEmulator,
} from '@takeover/directory-emulators';
import type { EntraDump, EntraEmulator, EntraSeed, GoogleDump, GoogleEmulator, GoogleSeed } from '@takeover/directory-emulators';

export const DEMO_DOMAIN = 'example.com';

/** The demo people, in both directories with old passwords (random, never written anywhere). */
export const DEMO_PEOPLE: ReadonlyArray<{ readonly email: string; readonly givenName: string; readonly familyName: string }> = [
  { email: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace' },
  { email: 'grace@example.com', givenName: 'Grace', familyName: 'Hopper' },
  { email: 'alan@example.com', givenName: 'Alan', familyName: 'Turing' },
  { email: 'katherine@example.com', givenName: 'Katherine', familyName: 'Johnson' },
];

const WORKSPACE_ADMIN = 'workspace-admin@example.com';
const oldPassword = (): string => `${randomBytes(12).toString('base64url')}-Aa1!`;

/**
 * What must survive a restart besides the users: the service account key and the app registration;
 * and, so a restart generates no keys (three RSA key pairs: seconds on a loaded machine), the Entra
 * emulator's CA, server certificate and token-signing key (absent in files from before they were kept).
 */
const Saved = t.intersection([
  t.type({
    version: t.literal(1),
    google: t.type({ clientEmail: t.string, privateKeyPem: t.string, users: t.array(t.UnknownRecord) }),
    entra: t.type({ tenantId: t.string, clientId: t.string, clientSecret: t.string, users: t.array(t.UnknownRecord) }),
  }),
  t.partial({ entraTls: t.type({ caPem: t.string, certPem: t.string, keyPem: t.string, signingKeyPem: t.string }) }),
]);
type Saved = t.TypeOf<typeof Saved>;

export interface DemoEmulators {
  readonly google?: GoogleEmulator;
  readonly microsoft?: EntraEmulator;
  /** The bearer token both emulators' /__admin API requires (per run, never written anywhere). */
  readonly adminToken: string;
  /** Writes the current state to state.json (when a directory was given). */
  readonly save: () => Promise<void>;
  /** Saves, then stops them. */
  readonly close: () => Promise<void>;
}

export interface DemoEmulatorOptions {
  /** Where state.json lives (DATA_DIR/emulators); without it nothing is kept. */
  readonly dir?: string;
  /** Verifier cost (default 4096; tests use 1024). */
  readonly scryptN?: number;
  /** Start only these (a real tenant replaces the other). */
  readonly google?: boolean;
  readonly microsoft?: boolean;
}

const fresh = (): Saved => {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    version: 1,
    google: { clientEmail: 'takeover-sync@takeover-demo.iam.gserviceaccount.com', privateKeyPem: pair.privateKey, users: [] },
    entra: { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: `demo~${randomBytes(24).toString('base64url')}`, users: [] },
  };
};

const load = async (dir: string | undefined): Promise<Saved | undefined> => {
  if (dir === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(join(dir, 'state.json'), 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${join(dir, 'state.json')}: ${(e as { code?: string }).code ?? 'error'}`);
  }
  const decoded = Saved.decode(JSON.parse(text));
  if (E.isLeft(decoded))
    throw new Error(
      `${join(dir, 'state.json')} is not an emulator state file this host wrote; move it away to start the demo directories afresh`,
    );
  return decoded.right;
};

/** Dumped Google users as seed entries (verifier, id, sign-outs). */
const googleUsers = (dump: GoogleDump): Saved['google']['users'] =>
  dump.users.map((u) => ({
    id: u.id,
    primaryEmail: u.primaryEmail,
    givenName: u.givenName,
    familyName: u.familyName,
    isAdmin: u.isAdmin,
    suspended: u.suspended,
    aliases: [...u.aliases],
    signOutCount: u.signOutCount,
    ...(u.passwordVerifier === null ? {} : { passwordVerifier: u.passwordVerifier }),
    ...(u.passwordSetAt === null ? {} : { passwordSetAt: u.passwordSetAt }),
    ...(u.lastSignOutAt === null ? {} : { lastSignOutAt: u.lastSignOutAt }),
  }));

const entraUsers = (dump: EntraDump, tenantId: string): Saved['entra']['users'] =>
  (dump.tenants.find((x) => x.id === tenantId)?.users ?? []).map((u) => ({
    ...u.properties,
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    privileged: u.privileged,
    revocationCount: u.revocationCount,
    ...(u.passwordVerifier === null ? {} : { passwordVerifier: u.passwordVerifier }),
    ...(u.passwordSetAt === null ? {} : { passwordSetAt: u.passwordSetAt }),
    ...(u.refreshTokensRevokedAt === null ? {} : { refreshTokensRevokedAt: u.refreshTokensRevokedAt }),
    ...(u.signInSessionsRevokedAt === null ? {} : { signInSessionsRevokedAt: u.signInSessionsRevokedAt }),
  }));

const googleSeed = (saved: Saved, first: boolean): GoogleSeed => ({
  customerId: 'C0exampledemo',
  domains: [DEMO_DOMAIN],
  serviceAccounts: [
    {
      clientEmail: saved.google.clientEmail,
      projectId: 'takeover-demo',
      privateKeyPem: saved.google.privateKeyPem,
      delegatedScopes: [DIRECTORY_USER_SCOPE, DIRECTORY_USER_SECURITY_SCOPE, REPORTS_AUDIT_READONLY_SCOPE],
    },
  ],
  users: first
    ? [
        { primaryEmail: WORKSPACE_ADMIN, givenName: 'Workspace', familyName: 'Admin', isAdmin: true },
        ...DEMO_PEOPLE.map((p) => ({ primaryEmail: p.email, givenName: p.givenName, familyName: p.familyName, password: oldPassword() })),
      ]
    : ((saved.google.users as GoogleSeed['users']) ?? []),
});

const entraSeed = (saved: Saved, first: boolean): EntraSeed => ({
  tenants: [
    {
      id: saved.entra.tenantId,
      displayName: 'Example Corp',
      // example.com as a verified custom domain, as in a real Microsoft 365 tenant, plus the initial onmicrosoft.com one.
      domains: [DEMO_DOMAIN, 'examplecorp.onmicrosoft.com'],
      apps: [
        {
          clientId: saved.entra.clientId,
          displayName: 'Takeover sync',
          clientSecret: saved.entra.clientSecret,
          permissions: DEFAULT_APP_PERMISSIONS,
        },
      ],
      users: first
        ? [
            { userPrincipalName: 'global-admin@example.com', displayName: 'Global Admin', privileged: true },
            ...DEMO_PEOPLE.map((p) => ({
              userPrincipalName: p.email,
              mail: p.email,
              displayName: `${p.givenName} ${p.familyName}`,
              givenName: p.givenName,
              surname: p.familyName,
              password: oldPassword(),
            })),
          ]
        : (saved.entra.users as NonNullable<NonNullable<EntraSeed['tenants']>[number]['users']>),
    },
  ],
});

/** Kept certificates are reused while both have more than a day to run (they are made for 30 days). */
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;
const stillValid = (tls: NonNullable<Saved['entraTls']>, now: number): boolean => {
  try {
    return [tls.caPem, tls.certPem].every((pem) => Date.parse(new X509Certificate(pem).validTo) - now > RENEW_BEFORE_MS);
  } catch {
    return false;
  }
};

/** Synchronous on purpose: it runs in the emulator's response hook and must be done before anything else runs. */
const writeAtomically = (path: string, text: string): void => {
  const tmp = `${path}.${String(process.pid)}.tmp`;
  writeFileSync(tmp, text, { encoding: 'utf8', mode: 0o600 });
  renameSync(tmp, path);
};

/** Starts the demo pair (or one of them), restoring DATA_DIR/emulators/state.json when there is one. */
export const startDemoEmulators = async (options: DemoEmulatorOptions = {}): Promise<DemoEmulators> => {
  const { dir } = options;
  if (dir !== undefined) await mkdir(dir, { recursive: true, mode: 0o700 });
  const loaded = await load(dir);
  const saved = loaded ?? fresh();
  const first = loaded === undefined;
  const scryptN = options.scryptN ?? 4096;
  const adminToken = randomBytes(32).toString('base64url');
  // The demo runs as real tenants behave: a new account is not found for a few seconds (docs/directories.md).
  // Set once both are up: until then there is nothing of theirs to keep.
  let writeThrough: () => void = () => undefined;
  // The emulators call it after a write and await it before its answer leaves: the file has every
  // account a caller was told of. The writes of one turn of the event loop share one save (group
  // commit): a save writes the whole state, so one a write would make a rollout of n users cost
  // O(n²) (5,000 users in both directories: a save of several MB for each of some 20,000 writes).
  let saving: Promise<void> | undefined;
  const onChange = (): Promise<void> => {
    saving ??= new Promise<void>((resolve) => {
      setImmediate(() => {
        // Changes made from here on wait for the next save.
        saving = undefined;
        writeThrough();
        resolve();
      });
    });
    return saving;
  };
  const google =
    options.google === false
      ? undefined
      : await startGoogleEmulator({ scryptN, seed: googleSeed(saved, first), adminToken, onChange, profile: 'realistic' });
  let microsoft: EntraEmulator | undefined;
  try {
    microsoft =
      options.microsoft === false
        ? undefined
        : await startEntraEmulator({
            scryptN,
            seed: entraSeed(saved, first),
            adminToken,
            onChange,
            profile: 'realistic',
            ...(saved.entraTls !== undefined && stillValid(saved.entraTls, Date.now()) ? { tls: saved.entraTls } : {}),
          });
  } catch (e) {
    await google?.close();
    throw e;
  }
  let last = '';
  const saveNow = (): void => {
    if (dir === undefined) return;
    const state: Saved = {
      ...saved,
      google: { ...saved.google, users: google === undefined ? saved.google.users : googleUsers(google.dump()) },
      entra: { ...saved.entra, users: microsoft === undefined ? saved.entra.users : entraUsers(microsoft.dump(), saved.entra.tenantId) },
      ...(microsoft === undefined ? {} : { entraTls: microsoft.tls }),
    };
    const text = JSON.stringify(state);
    if (text === last) return;
    writeAtomically(join(dir, 'state.json'), text);
    last = text;
  };
  const save = (): Promise<void> => {
    try {
      saveNow();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  await save();
  let failures = 0;
  writeThrough = () => {
    try {
      saveNow();
    } catch (e) {
      // A full disk must not stop the directory answering; the next change (or the stop) tries again.
      failures += 1;
      if (failures === 1 || failures % 100 === 0)
        process.emitWarning(`cannot keep the demo directories' state (${(e as { code?: string }).code ?? 'error'})`);
    }
  };
  let closed: Promise<void> | undefined;
  return {
    ...(google === undefined ? {} : { google }),
    ...(microsoft === undefined ? {} : { microsoft }),
    adminToken,
    save,
    close: () => {
      closed ??= (async () => {
        writeThrough = () => undefined;
        try {
          await save();
        } finally {
          await Promise.all([google?.close(), microsoft?.close()]);
        }
      })();
      return closed;
    },
  };
};
