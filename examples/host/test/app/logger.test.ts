import { Writable } from 'node:stream';
import { Secret } from '@takeover/core';
import { connectorLogger, createLogger } from '../../src/wiring/logger.js';

const capture = () => {
  const chunks: string[] = [];
  const stream = new Writable({
    write: (c: Buffer, _e, done) => {
      chunks.push(c.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
};

test('credential fields are redacted at any depth; Secrets print redacted; other fields stay', () => {
  const out = capture();
  const logger = createLogger('debug', out.stream);
  logger.info(
    {
      password: 'p-top',
      current: 'p-current',
      next: 'p-next',
      token: 't-top',
      req: {
        headers: { authorization: 'Bearer t-auth', cookie: 'takeover_portal=c-cookie', 'set-cookie': ['c-set'] },
        body: { password: 'p-body', user: { token: 't-deep' } },
      },
      held: Secret.of('p-secret'),
      userId: 'user-1',
    },
    'something happened',
  );
  connectorLogger(logger).warn('from a connector', { password: 'p-connector', directoryId: 'google' });
  const text = out.text();
  for (const v of ['p-top', 'p-current', 'p-next', 't-top', 't-auth', 'c-cookie', 'c-set', 'p-body', 't-deep', 'p-secret', 'p-connector'])
    expect(text).not.toContain(v);
  expect(text).toContain('"userId":"user-1"');
  expect(text).toContain('"directoryId":"google"');
  expect(text).toContain('from a connector');
  expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(10);
});

test('issue 17 #1: a line holding raw bytes, a socket or an error with a Buffer is logged at trace instead of throwing', () => {
  const out = capture();
  const logger = createLogger('trace', out.stream);
  const err = Object.assign(new Error('Parse Error: Invalid method encountered'), {
    code: 'HPE_INVALID_METHOD',
    rawPacket: Buffer.from('GARBAGE\r\n\r\n'),
  });
  expect(() => logger.trace({ err }, 'client error')).not.toThrow();
  expect(() => logger.trace({ thing: { data: new Uint8Array(3), socket: new Writable(), password: 'p-nested' } }, 'odd')).not.toThrow();
  const text = out.text();
  expect(text).toContain('HPE_INVALID_METHOD');
  expect(text).toContain('[binary 3 bytes]');
  expect(text).toContain('"type":"Error"');
  expect(text).not.toContain('GARBAGE');
  expect(text).not.toContain('p-nested');
});
