/// <reference types="jest" />
// Jest's globals, not an import of @jest/globals: that CommonJS module has no ESM named exports.
import { appendContract } from './appendContract.js';
import type { ContractOptions, ContractSubject } from './fixtures.js';
import { globalOrderContract } from './globalOrderContract.js';
import { readContract } from './readContract.js';

export * from './fixtures.js';

/**
 * The EventStore contract: every adapter runs all of it, e.g.
 * `eventStoreContract('sqlite', { setup: async () => ({ store, checkpoints, plantCorruptEvent }) })`.
 */
export const eventStoreContract = (name: string, options: ContractOptions): void => {
  const suite = options.skip === undefined ? describe : describe.skip;
  suite(`EventStore contract: ${name}${options.skip === undefined ? '' : ` (skipped: ${options.skip})`}`, () => {
    let current: ContractSubject | undefined;
    const subject = (): ContractSubject => {
      if (current === undefined) throw new Error('contract subject not set up');
      return current;
    };
    beforeAll(async () => {
      current = await options.setup();
    });
    afterAll(async () => {
      if (current !== undefined) await options.teardown?.(current);
    });
    appendContract(subject, options);
    readContract(subject);
    globalOrderContract(subject, options);
  });
};
export { crashWriter, runAndKill, expectAcknowledgedDurable } from './crash.js';
export type { CrashAck } from './crash.js';
