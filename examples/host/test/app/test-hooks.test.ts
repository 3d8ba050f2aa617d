// The crash hook (issue 17 #3) exists only in tests: outside NODE_ENV=test the variable does nothing.
import { testHooksFromEnv } from '../../src/app/testHooks.js';

test('TAKEOVER_TEST_PAUSE_AT is honoured only when NODE_ENV=test, and only for a known point', () => {
  expect(testHooksFromEnv({ TAKEOVER_TEST_PAUSE_AT: 'credential-written' })).toEqual({});
  expect(testHooksFromEnv({ NODE_ENV: 'production', TAKEOVER_TEST_PAUSE_AT: 'credential-written' })).toEqual({});
  expect(testHooksFromEnv({ NODE_ENV: 'test', TAKEOVER_TEST_PAUSE_AT: 'somewhere-else' })).toEqual({});
  expect(Object.keys(testHooksFromEnv({ NODE_ENV: 'test', TAKEOVER_TEST_PAUSE_AT: 'credential-written' }))).toEqual(['credentialWritten']);
  expect(Object.keys(testHooksFromEnv({ NODE_ENV: 'test', TAKEOVER_TEST_PAUSE_AT: 'password-set' }))).toEqual(['passwordSet']);
});
