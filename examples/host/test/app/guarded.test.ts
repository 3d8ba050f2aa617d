import * as E from 'fp-ts/lib/Either.js';
import { Writable } from 'node:stream';
import type { AppContext } from '../../src/app/context.js';
import { guarded } from '../../src/app/context.js';
import { createLogger } from '../../src/wiring/logger.js';

test('a thrown dependency error becomes `unavailable`, logged by type without its text', async () => {
  const lines: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write: (c: Buffer, _e, done) => {
        lines.push(c.toString());
        done();
      },
    }),
  );
  const ctx = { logger } as unknown as AppContext;
  const failing = guarded(ctx, 'portal.login', (_email: string) =>
    Promise.reject(Object.assign(new Error('connect ECONNREFUSED with Secret-Value-1'), { code: 'ECONNREFUSED' })),
  );
  expect(await failing('ada@example.com')).toEqual(E.left({ kind: 'unavailable', reason: 'portal.login failed (ECONNREFUSED)' }));
  const fine = guarded(ctx, 'x', (n: number) => Promise.resolve(E.right(n + 1)));
  expect(await fine(1)).toEqual(E.right(2));
  expect(lines.join('')).toContain('"operation":"portal.login"');
  expect(lines.join('')).not.toContain('Secret-Value-1');
});
