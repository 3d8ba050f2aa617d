// diagnose() against the Google emulator configured wrong in each way an operator can get wrong.
import * as E from 'fp-ts/lib/Either.js';
import type { AccessCheck } from '@takeover/connector-kit';
import {
  DIRECTORY_USER_READONLY_SCOPE,
  DIRECTORY_USER_SCOPE,
  DIRECTORY_USER_SECURITY_SCOPE,
  REPORTS_AUDIT_READONLY_SCOPE,
  startGoogleEmulator,
} from '@takeover/directory-emulators';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import type { GoogleEmulatorConnectorOptions } from '@takeover/connector-google-workspace/testing';
import { googleConnectorForEmulator } from '@takeover/connector-google-workspace/testing';

const ALL_NEEDED = [DIRECTORY_USER_SCOPE, DIRECTORY_USER_READONLY_SCOPE, DIRECTORY_USER_SECURITY_SCOPE];
let emu: GoogleEmulator;
let other: GoogleEmulator;

beforeAll(async () => {
  // Both start at once; when one fails, the one that started is closed before the failure is thrown.
  const [a, b] = await Promise.allSettled([
    startGoogleEmulator({
      scryptN: 1024,
      seed: {
        users: [
          { primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true },
          { primaryEmail: 'kim@example.com', givenName: 'Kim', familyName: 'User' },
        ],
      },
    }),
    startGoogleEmulator({ scryptN: 1024 }),
  ]);
  if (a.status === 'rejected') {
    if (b.status === 'fulfilled') await b.value.close();
    throw a.reason;
  }
  if (b.status === 'rejected') {
    await a.value.close();
    throw b.reason;
  }
  [emu, other] = [a.value, b.value];
});
afterAll(async () => {
  try {
    await emu.close();
  } finally {
    await other.close();
  }
});
afterEach(() => {
  emu.setDelegatedScopes(emu.credentials.client_email, ALL_NEEDED);
  emu.clearFaults();
});

const diagnose = async (options: Partial<GoogleEmulatorConnectorOptions> = {}): Promise<ReadonlyArray<AccessCheck>> => {
  const r = await googleConnectorForEmulator(emu, { timeoutMs: 5000, ...options }).diagnose()();
  if (E.isLeft(r)) throw new Error(`diagnose could not ask: ${JSON.stringify(r.left)}`);
  return r.right;
};
const byArea = (checks: ReadonlyArray<AccessCheck>, area: AccessCheck['area']) => checks.filter((c) => c.area === area);
const named = (checks: ReadonlyArray<AccessCheck>, name: string) => checks.find((c) => c.name === name);
const missing = (checks: ReadonlyArray<AccessCheck>) => checks.filter((c) => c.status === 'missing').map((c) => c.name);

describe('diagnose against the Google emulator', () => {
  it('configured as the connector needs: nothing missing; the optional audit scope and quota headroom are unknown, with why', async () => {
    const checks = await diagnose();
    expect(missing(checks)).toEqual([]);
    expect(byArea(checks, 'credentials')).toEqual([expect.objectContaining({ status: 'ok' })]);
    expect(named(checks, DIRECTORY_USER_SCOPE)?.status).toBe('ok');
    expect(named(checks, DIRECTORY_USER_SECURITY_SCOPE)?.status).toBe('ok');
    expect(named(checks, REPORTS_AUDIT_READONLY_SCOPE)?.status).toBe('unknown');
    expect(named(checks, REPORTS_AUDIT_READONLY_SCOPE)?.fix).toContain(
      `add scope ${REPORTS_AUDIT_READONLY_SCOPE} to client id ${emu.credentials.client_id}`,
    );
    expect(byArea(checks, 'role')).toEqual([expect.objectContaining({ name: 'super admin (admin@example.com)', status: 'ok' })]);
    expect(byArea(checks, 'domain')).toEqual([expect.objectContaining({ name: 'example.com', status: 'ok' })]);
    expect(byArea(checks, 'quota').map((c) => c.status)).toEqual(['unknown']);
    expect(byArea(checks, 'quota')[0]?.detail).toContain('no header with the remaining quota');
  });

  it('with the audit scope delegated, the Reports API is probed too', async () => {
    emu.setDelegatedScopes(emu.credentials.client_email, [...ALL_NEEDED, REPORTS_AUDIT_READONLY_SCOPE]);
    const checks = await diagnose();
    expect(named(checks, REPORTS_AUDIT_READONLY_SCOPE)?.status).toBe('ok');
    expect(named(checks, 'Reports API (audit activities)')?.status).toBe('ok');
  });

  it('a connector configured to notice password changes made in Google (R16) needs the audit scope: refused, it is missing, with the exact fix', async () => {
    const checks = await diagnose({ detectExternalChanges: true });
    expect(missing(checks)).toEqual([REPORTS_AUDIT_READONLY_SCOPE]);
    expect(named(checks, REPORTS_AUDIT_READONLY_SCOPE)?.detail).toMatch(
      /^required: the connector is configured to notice password changes made in Google/,
    );
    expect(named(checks, REPORTS_AUDIT_READONLY_SCOPE)?.fix).toContain(
      `add scope ${REPORTS_AUDIT_READONLY_SCOPE} to client id ${emu.credentials.client_id}`,
    );
    emu.setDelegatedScopes(emu.credentials.client_email, [...ALL_NEEDED, REPORTS_AUDIT_READONLY_SCOPE]);
    expect(missing(await diagnose({ detectExternalChanges: true }))).toEqual([]);
  });

  it('missing scope: admin.directory.user.security not delegated is missing, with the exact fix', async () => {
    emu.setDelegatedScopes(emu.credentials.client_email, [DIRECTORY_USER_SCOPE]);
    const checks = await diagnose();
    expect(missing(checks)).toEqual([DIRECTORY_USER_SECURITY_SCOPE]);
    expect(named(checks, DIRECTORY_USER_SECURITY_SCOPE)?.fix).toBe(
      `In the Admin console → Security → Access and data control → API controls → Domain-wide delegation, add scope ${DIRECTORY_USER_SECURITY_SCOPE} to client id ${emu.credentials.client_id}.`,
    );
    expect(named(checks, DIRECTORY_USER_SCOPE)?.status).toBe('ok');
  });

  it('missing scope: admin.directory.user not delegated is missing', async () => {
    emu.setDelegatedScopes(emu.credentials.client_email, [DIRECTORY_USER_SECURITY_SCOPE]);
    expect(missing(await diagnose())).toEqual([DIRECTORY_USER_SCOPE]);
  });

  it('wrong key (auth): credentials missing, with how to make a new key', async () => {
    const wrongKey = {
      ...emu.credentials,
      ...(other.credentials.private_key === undefined ? {} : { private_key: other.credentials.private_key }),
    };
    const checks = await diagnose({ credentials: wrongKey });
    const [credentials, ...others] = byArea(checks, 'credentials');
    expect(others).toEqual([]);
    expect(credentials?.status).toBe('missing');
    expect(credentials?.detail).toContain('Invalid JWT Signature.');
    expect(credentials?.fix).toContain('Create a new JSON key');
    expect(missing(checks)).toEqual([credentials?.name]);
  });

  it('wrong domain: the domain is missing while the account answers', async () => {
    const checks = await diagnose({ domain: 'not-ours.example.org' });
    expect(missing(checks)).toEqual(['not-ours.example.org']);
    expect(named(checks, 'not-ours.example.org')?.fix).toContain('Account → Domains → Manage domains');
    expect(named(checks, 'Admin SDK API (Directory)')?.status).toBe('ok');
  });

  it('non-admin subject: the super admin role is missing', async () => {
    const checks = await diagnose({ subject: 'kim@example.com' });
    expect(missing(checks)).toEqual(['super admin (kim@example.com)']);
    expect(named(checks, 'super admin (kim@example.com)')?.fix).toContain('Admin roles → Super Admin');
  });

  it('unknown subject: credentials missing, naming the subject to fix', async () => {
    const checks = await diagnose({ subject: 'ghost@example.com' });
    const [credentials] = byArea(checks, 'credentials');
    expect(credentials?.status).toBe('missing');
    expect(credentials?.fix).toContain('existing super admin');
  });

  it('Admin SDK API not enabled in the project (403 accessNotConfigured): the API is missing', async () => {
    emu.injectFault({
      path: '/admin/directory/v1/users',
      status: 403,
      reason: 'accessNotConfigured',
      message: 'Admin SDK API has not been used in project takeover-test before or it is disabled.',
      times: 3,
    });
    const checks = await diagnose();
    expect(missing(checks)).toEqual(['Admin SDK API (Directory)']);
  });

  it('a directory that cannot be asked at all is a Left (not a check)', async () => {
    emu.injectFault({ path: '/token', drop: true, times: 10 });
    const r = await googleConnectorForEmulator(emu, { timeoutMs: 5000 }).diagnose()();
    expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'retryable' } });
  });
});
