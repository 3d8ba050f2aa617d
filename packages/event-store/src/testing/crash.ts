/// <reference types="jest" />
// The durability test every durable adapter runs: a child process appends batches of three events
// in a loop and prints each acknowledgement; the test SIGKILLs it at a random moment, then checks
// that every acknowledged append is there and that no batch was torn.
import { spawn } from 'node:child_process';
import type { EventStore } from '../eventStore.js';
import { Checkpoint } from '../checkpoint.js';

export interface CrashAck {
  readonly streamId: string;
  readonly ids: ReadonlyArray<string>;
  readonly last: number;
}

/**
 * The child's side: `writers` concurrent loops, each appending batches of 3 to its own stream
 * `crash-<w>` with the expected version, printing one JSON line per acknowledged append. Never returns.
 */
export const crashWriter = async (store: EventStore, writers: number): Promise<never> => {
  const loop = async (w: number): Promise<never> => {
    let version: number | 'no-stream' = 'no-stream';
    for (let i = 0; ; i++) {
      const streamId = `crash-${w}`;
      const batch = [0, 1, 2].map((k) => ({ id: `${w}-${i}-${k}`, type: 'Counted', data: { n: i, k }, metadata: { batch: i } }));
      const r = await store.appendToStream(streamId, batch, { expectedVersion: version })();
      if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
      version = r.right.nextExpectedVersion;
      process.stdout.write(`${JSON.stringify({ streamId, ids: batch.map((e) => e.id), last: version })}\n`);
    }
  };
  return Promise.race(Array.from({ length: writers }, (_, w) => loop(w)));
};

/**
 * Runs `node --conditions=takeover-source --import tsx <script> ...args`, waits for `minAcks`
 * acknowledgements plus a random moment (up to 300 ms), SIGKILLs it and returns what it acknowledged.
 */
export const runAndKill = (script: string, args: ReadonlyArray<string>, minAcks: number): Promise<ReadonlyArray<CrashAck>> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=takeover-source', '--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: CrashAck[] = [];
    let buffered = '';
    let stderr = '';
    let killing = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          acks.push(JSON.parse(line) as CrashAck);
        } catch {
          // Not an acknowledgement (a stray log line, a torn write): the run cannot be judged, and the
          // child must not outlive it.
          killing = true;
          child.kill('SIGKILL');
          reject(new Error(`child wrote a line that is not an acknowledgement: ${line.slice(0, 500)}`));
          return;
        }
      }
      if (!killing && acks.length >= minAcks) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 300));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`child exited on its own: ${stderr}`));
    });
  });

/** Every acknowledged batch is stored whole, revisions have no gap, and no stream holds a torn batch. */
export const expectAcknowledgedDurable = async (store: EventStore, acks: ReadonlyArray<CrashAck>): Promise<void> => {
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
};
