import { join } from 'node:path';
import { expectAcknowledgedDurable, runAndKill } from '@takeover/event-store/testing';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import { dropSchema, randomSchema, testPool } from '../pgTestPool.js';

describe('PostgreSQL durability', () => {
  const pool = testPool(4);
  const schema = randomSchema();
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('keeps every acknowledged append, and no torn batch, after the writer is SIGKILLed', async () => {
    const created = await createPostgresEventStore({ pool, schema })();
    if (created._tag === 'Left') throw new Error(created.left.message);
    const acks = await runAndKill(join(__dirname, 'child.ts'), [schema], 100 + Math.floor(Math.random() * 200));
    // The killed backend's transaction may still be rolling back.
    await new Promise((r) => setTimeout(r, 200));
    await expectAcknowledgedDurable(created.right, acks);
  });
});
