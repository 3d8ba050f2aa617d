import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAcknowledgedDurable, runAndKill } from '@takeover/event-store/testing';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';

describe('SQLite durability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'takeover-sqlite-crash-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged append, and no torn batch, after the writer is SIGKILLed', async () => {
    const path = join(dir, 'events.db');
    const acks = await runAndKill(join(__dirname, 'child.ts'), [path], 200 + Math.floor(Math.random() * 300));
    const opened = await openSqliteEventStore({ path })();
    if (opened._tag === 'Left') throw new Error(opened.left.message);
    await expectAcknowledgedDurable(opened.right, acks);
    await opened.right.close();
  });
});
