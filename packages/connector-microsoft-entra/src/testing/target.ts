import type { EntraEmulator, FaultSpec } from '@takeover/directory-emulators';
import { externalUserId } from '@takeover/connector-kit';
import type { ConformanceTarget, Fault } from '@takeover/connector-kit/testing';

/** Injected faults hit Graph requests only, never the token endpoint. */
const API_PATH = '/v1.0/';

/** Each conformance fault as the emulator's fault spec: Graph's status and error code for it. */
export const entraFault = (fault: Fault, timeoutMs: number): FaultSpec => {
  switch (fault.kind) {
    case 'not-found':
      return {
        path: API_PATH,
        status: 404,
        reason: 'Request_ResourceNotFound',
        message: 'Resource does not exist or one of its queried reference-property objects are not present.',
      };
    case 'policy-reject':
      return {
        path: API_PATH,
        status: 400,
        reason: 'Request_BadRequest',
        message: 'The specified password does not comply with password complexity requirements. Please provide a different password.',
        ...(fault.echoPassword === true ? { echoPassword: true } : {}),
      };
    case 'forbidden':
      return {
        path: API_PATH,
        status: 403,
        reason: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      };
    case 'auth':
      return {
        path: API_PATH,
        status: 401,
        reason: 'InvalidAuthenticationToken',
        message: 'Access token validation failure. Invalid audience.',
      };
    case 'throttle':
      return {
        path: API_PATH,
        status: 429,
        reason: 'TooManyRequests',
        message: 'Too many requests',
        retryAfterSeconds: fault.retryAfterSeconds,
      };
    case 'unavailable':
      return { path: API_PATH, status: 503, reason: 'ServiceNotAvailable', message: 'The service is temporarily unavailable.' };
    case 'timeout':
      // Wait past the connector's timeout, then drop: the late request must not be applied.
      return { path: API_PATH, latencyMs: timeoutMs + 1000, drop: true };
    case 'connection-reset':
      return { path: API_PATH, drop: true };
  }
};

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The conformance suite's handle on an Entra emulator (its first tenant). */
export const entraTarget = (emulator: EntraEmulator, timeoutMs: number): ConformanceTarget => {
  const tenant = emulator.tenants[0];
  const emailDomain = tenant?.domains[0] ?? 'contoso.com';
  const user = (id: string) => {
    const u = emulator.user(id);
    if (u === undefined) throw new Error(`Entra emulator: no user ${id}`);
    return u;
  };
  return {
    emailDomain,
    acceptsPassword: (password) => Promise.resolve(emulator.acceptsPassword(password)),
    passwordFingerprint: (id) => Promise.resolve(emulator.passwordFingerprint(id)),
    seedUser: async ({ primaryEmail, givenName, familyName, password }) => {
      const r = await emulator.seed({
        tenants: [
          {
            id: emulator.tenantId,
            domains: [emailDomain],
            users: [
              {
                userPrincipalName: primaryEmail,
                mail: primaryEmail,
                displayName: `${givenName} ${familyName}`,
                givenName,
                surname: familyName,
                password,
              },
            ],
          },
        ],
      });
      if (r._tag === 'Left') throw new Error(`Entra emulator refused the seed: ${r.left.message}`);
      return externalUserId(user(primaryEmail).id);
    },
    passwordMatches: (id, password) => emulator.passwordMatches(id, password),
    readAttributes: (id) => {
      const u = user(id);
      const p = u.properties;
      const optional = (key: string, value: unknown) => (text(value) === undefined ? {} : { [key]: text(value) });
      return Promise.resolve({
        primaryEmail: u.userPrincipalName,
        ...optional('givenName', p['givenName']),
        ...optional('familyName', p['surname']),
        ...optional('displayName', p['displayName']),
        ...optional('jobTitle', p['jobTitle']),
        ...optional('department', p['department']),
        ...optional('mobilePhone', p['mobilePhone']),
      });
    },
    isSuspended: (id) => Promise.resolve(user(id).properties['accountEnabled'] === false),
    // Explicit revokeSignInSessions calls only, not the revocation every password set causes.
    sessionRevocations: (id) => {
      const upn = user(id).userPrincipalName.toLowerCase();
      return Promise.resolve(
        emulator
          .audit()
          .filter((a) => a.activityDisplayName === 'Revoke sign-in sessions' && a.targetUserPrincipalName.toLowerCase() === upn).length,
      );
    },
    // Graph stamps whole seconds: the emulator's clock moves on two, so the user's change is later than ours at that grain.
    changePasswordAsUser: async (id, password) => {
      emulator.advanceClock(2);
      const r = await emulator.changePasswordAsUser(id, password);
      if (r._tag !== 'Changed') throw new Error(`Entra emulator: the user's own password change failed (${r._tag})`);
    },
    injectFault: (fault) => {
      emulator.injectFault(entraFault(fault, timeoutMs));
      return Promise.resolve();
    },
  };
};
