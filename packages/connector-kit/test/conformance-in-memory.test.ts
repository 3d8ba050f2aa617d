import { describeConformance, inMemoryDirectory } from '@takeover/connector-kit/testing';

// The reference: the suite passes the in-memory directory, with and without optional capabilities.
describeConformance('in-memory directory', ({ logger }) => Promise.resolve(inMemoryDirectory({ logger })));
describeConformance('in-memory directory without creation or revocation', ({ logger }) =>
  Promise.resolve(inMemoryDirectory({ logger, createUsers: false, revokeSessions: false })),
);
