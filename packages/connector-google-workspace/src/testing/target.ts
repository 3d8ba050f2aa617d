import type { FaultSpec, GoogleEmulator } from '@takeover/directory-emulators';
import { externalUserId } from '@takeover/connector-kit';
import type { ConformanceTarget, Fault } from '@takeover/connector-kit/testing';

/** Injected faults hit Directory API requests only, never the token endpoint. */
const API_PATH = '/admin/directory/v1/';

/** Each conformance fault as the emulator's fault spec: Google's status and reason for it. */
export const googleFault = (fault: Fault, timeoutMs: number): FaultSpec => {
  switch (fault.kind) {
    case 'not-found':
      return { path: API_PATH, status: 404, reason: 'notFound' };
    case 'policy-reject':
      return {
        path: API_PATH,
        status: 400,
        reason: 'invalid',
        message: 'Invalid Password',
        ...(fault.echoPassword === true ? { echoPassword: true } : {}),
      };
    case 'forbidden':
      return { path: API_PATH, status: 403, reason: 'forbidden' };
    case 'auth':
      return { path: API_PATH, status: 401, reason: 'authError' };
    case 'throttle':
      return { path: API_PATH, status: 429, reason: 'rateLimitExceeded', retryAfterSeconds: fault.retryAfterSeconds };
    case 'unavailable':
      return { path: API_PATH, status: 503, reason: 'backendError' };
    case 'timeout':
      // Wait past the connector's timeout, then drop: the late request must not be applied.
      return { path: API_PATH, latencyMs: timeoutMs + 1000, drop: true };
    case 'connection-reset':
      return { path: API_PATH, drop: true };
  }
};

/** The conformance suite's handle on a Google emulator. */
export const googleTarget = (emulator: GoogleEmulator, timeoutMs: number): ConformanceTarget => {
  const user = (id: string) => {
    const u = emulator.user(id);
    if (u === undefined) throw new Error(`Google emulator: no user ${id}`);
    return u;
  };
  return {
    emailDomain: emulator.domains[0] ?? 'example.com',
    acceptsPassword: (password) => Promise.resolve(emulator.acceptsPassword(password)),
    passwordFingerprint: (id) => Promise.resolve(emulator.passwordFingerprint(id)),
    seedUser: async ({ primaryEmail, givenName, familyName, password }) => {
      const r = await emulator.seed({ users: [{ primaryEmail, givenName, familyName, password }] });
      if (r._tag === 'Left') throw new Error(`Google emulator refused the seed: ${r.left.message}`);
      return externalUserId(user(primaryEmail).id);
    },
    passwordMatches: (id, password) => emulator.passwordMatches(id, password),
    readAttributes: (id) => {
      const u = user(id);
      return Promise.resolve({ primaryEmail: u.primaryEmail, givenName: u.givenName, familyName: u.familyName });
    },
    isSuspended: (id) => Promise.resolve(user(id).suspended),
    // Explicit users.signOut calls only (the audit's USER_SIGN_OUT), not the sign-out a password change causes.
    sessionRevocations: (id) => {
      const u = user(id);
      const addresses = new Set([u.primaryEmail, ...u.aliases].map((a) => a.toLowerCase()));
      return Promise.resolve(
        emulator.audit().filter((a) => a.eventName === 'USER_SIGN_OUT' && addresses.has(a.userEmail.toLowerCase())).length,
      );
    },
    // A second later on the emulator's clock, so the user's change is later than ours.
    changePasswordAsUser: async (id, password) => {
      emulator.advanceClock(1);
      const r = await emulator.changePasswordAsUser(id, password);
      if (r._tag !== 'Changed') throw new Error(`Google emulator: the user's own password change failed (${r._tag})`);
    },
    injectFault: (fault) => {
      emulator.injectFault(googleFault(fault, timeoutMs));
      return Promise.resolve();
    },
  };
};
