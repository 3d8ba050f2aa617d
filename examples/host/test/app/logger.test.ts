import { Writable } from 'node:stream';
import { Secret } from '@takeover/core';
import { connectorLogger, createLogger } from '../../src/wiring/logger.js';

const capture = () => {
  const chunks: string[] = [];
  const stream = new Writable({ write: (c: Buffer, _e, done) => { chunks.push(c.toString()); done(); } });
  return { stream, text: () => chunks.join('') };
};

test('credential fields are redacted at any depth; Secrets print redacted; other fields stay', () => {
  const out = capture();
  const logger = createLogger('debug', out.stream);
  logger.info({
    password: 'p-top', current: 'p-current', next: 'p-next', token: 't-top',
    req: { headers: { authorization: 'Bearer t-auth', cookie: 'takeover_portal=c-cookie', 'set-cookie': ['c-set'] }, body: { password: 'p-body', user: { token: 't-deep' } } },
    held: Secret.of('p-secret'),
    userId: 'user-1',
  }, 'something happened');
  connectorLogger(logger).warn('from a connector', { password: 'p-connector', directoryId: 'google' });
  const text = out.text();
  for (const v of ['p-top', 'p-current', 'p-next', 't-top', 't-auth', 'c-cookie', 'c-set', 'p-body', 't-deep', 'p-secret', 'p-connector']) expect(text).not.toContain(v);
  expect(text).toContain('"userId":"user-1"');
  expect(text).toContain('"directoryId":"google"');
  expect(text).toContain('from a connector');
  expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(10);
});
