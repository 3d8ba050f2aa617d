import { Secret } from '@takeover/core';
import { externalUserId } from '@takeover/connector-kit';
import type { ConformanceFactory, ConformanceTarget } from '@takeover/connector-kit/testing';
import { scimConnector } from '../connector.js';
import type { ScimTestServer } from './server.js';
import { startScimTestServer } from './server.js';
import { acceptsPassword, makeVerifier, newUser, verify } from './store.js';

/** The conformance suite's handle on a SCIM test server. */
export const scimTarget = (server: ScimTestServer): ConformanceTarget => {
  const user = (id: string) => {
    const u = server.users.get(id);
    if (u === undefined) throw new Error(`SCIM test server: no user ${id}`);
    return u;
  };
  return {
    emailDomain: 'example.com',
    acceptsPassword: (password) => Promise.resolve(acceptsPassword(password)),
    passwordFingerprint: (id) => Promise.resolve(server.users.get(id)?.verifier?.fingerprint),
    seedUser: async ({ primaryEmail, givenName, familyName, password }) => {
      const u = {
        ...newUser(primaryEmail),
        givenName,
        familyName,
        emails: [{ value: primaryEmail, primary: true }],
        verifier: await makeVerifier(password),
      };
      server.users.set(u.id, u);
      return externalUserId(u.id);
    },
    // #region inspect
    passwordMatches: (id, password) => verify(user(id), password),
    readAttributes: (id) => {
      const u = user(id);
      return Promise.resolve({
        primaryEmail: u.userName,
        ...(u.givenName === undefined ? {} : { givenName: u.givenName }),
        ...(u.familyName === undefined ? {} : { familyName: u.familyName }),
        ...(u.displayName === undefined ? {} : { displayName: u.displayName }),
        ...(u.title === undefined ? {} : { jobTitle: u.title }),
      });
    },
    isSuspended: (id) => Promise.resolve(!user(id).active),
    // SCIM has no sessions to end: any request that tries (a call to a sub-resource of the user) is counted by the server.
    sessionRevocations: (id) => Promise.resolve(server.sessionRevocationRequests(id)),
    // #endregion inspect
    injectFault: (fault) => {
      server.injectFault(fault);
      return Promise.resolve();
    },
  };
};

// #region factory
/** The conformance factory: a fresh server per check, the connector pointed at it with a 5 s timeout (generous, so a loaded machine fails no check; only the timeout check waits it out). */
export const scimConformanceFactory: ConformanceFactory = async ({ logger }) => {
  const server = await startScimTestServer();
  const connector = scimConnector({
    baseUrl: server.baseUrl,
    bearerToken: Secret.of(server.token),
    displayName: 'SCIM test server',
    domain: 'example.com',
    timeoutMs: 5000,
    logger,
  });
  return { connector, target: scimTarget(server), close: server.close };
};
// #endregion factory
