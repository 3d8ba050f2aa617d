import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Checkpoint } from '@takeover/event-store';
import { createPostgresEventStore } from '@takeover/event-store-postgres';
import { dropSchema, randomSchema, testPool } from '../pgTestPool.js';

interface Ack { readonly streamId: string; readonly ids: ReadonlyArray<string>; readonly last: number }

/** Starts the child, waits for `minAcks` acknowledgements plus a random moment, then SIGKILLs it. */
const runAndKill = (schema: string, minAcks: number): Promise<ReadonlyArray<Ack>> => new Promise((resolve, reject) => {
  const child = spawn(process.execPath, ['--conditions=takeover-source', '--import', 'tsx', join(__dirname, 'child.ts'), schema], {
    cwd: __dirname, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: Ack[] = [];
  let buffered = '';
  let stderr = '';
  let killing = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) acks.push(JSON.parse(line) as Ack);
    if (!killing && acks.length >= minAcks) {
      killing = true;
      setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 300));
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  child.on('exit', (_code, signal) => {
    if (signal === 'SIGKILL') resolve(acks);
    else reject(new Error(`child exited on its own: ${stderr}`));
  });
});

describe('PostgreSQL durability', () => {
  const pool = testPool(4);
  const schema = randomSchema();
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('keeps every acknowledged append, and no torn batch, after the writer is SIGKILLed', async () => {
    const created = await createPostgresEventStore({ pool, schema })();
    if (created._tag === 'Left') throw new Error(created.left.reason);
    const acks = await runAndKill(schema, 100 + Math.floor(Math.random() * 200));
    await new Promise((r) => setTimeout(r, 200));
    const store = created.right;
    for (const ack of acks) {
      const r = await store.readStream(ack.streamId, { from: ack.last - 2, maxCount: 3 })();
      expect(r._tag === 'Right' && r.right.map((e) => e.id)).toEqual(ack.ids);
    }
    const page = await store.readAll({ after: Checkpoint.start, maxCount: 1_000_000 })();
    if (page._tag === 'Left') throw new Error(page.left._tag);
    const byStream = new Map<string, number[]>();
    for (const e of page.right.events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.revision]);
    for (const revisions of byStream.values()) {
      expect(revisions).toEqual(revisions.map((_, i) => i));
      expect(revisions.length % 3).toBe(0);
    }
    expect(page.right.events.length).toBeGreaterThanOrEqual(acks.length * 3);
  });
});
