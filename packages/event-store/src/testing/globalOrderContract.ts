/// <reference types="jest" />
// Jest's globals, not an import of @jest/globals: that CommonJS module has no ESM named exports.
import * as TE from 'fp-ts/lib/TaskEither.js';
import { Checkpoint } from '../checkpoint.js';
import { subscribe } from '../subscribe.js';
import type { RecordedEvent } from '../types.js';
import { counted, CountedEvent, orFail, uniquePrefix, waitUntil, type ContractOptions, type ContractSubject } from './fixtures.js';

/** The global order under concurrent writers, and subscriptions that survive a restart. */
export const globalOrderContract = (subject: () => ContractSubject, options: ContractOptions): void => {
  describe('global order under concurrent writers', () => {
    const writers = 4;
    const total = Math.max(writers * 10, Math.round(4_000 * (options.scale ?? 1)));
    it(`a reader tailing the global order sees each of ${total} events from ${writers} writers exactly once`, async () => {
      const { store } = subject();
      const prefix = uniquePrefix('go');
      const perWriter = total / writers;
      let writing = true;
      const write = async (w: number) => {
        for (let i = 0; i < perWriter; i++) {
          await orFail(store.appendToStream(`${prefix}${w}-${i % 8}`, [counted(w * perWriter + i)]));
        }
      };
      const seen: Array<RecordedEvent<CountedEvent>> = [];
      const seenOnce = new Set<number>();
      // Once the writers are done, the reader goes on until it has seen every event, then stops at
      // the next empty page (a repeat would show before it). A store may hold events back while an
      // older transaction is open (PostgreSQL: any on the server), so an empty page alone does not
      // end it; the deadline, generous, only bounds a store that really lost some.
      let deadline = Number.POSITIVE_INFINITY;
      const tail = async () => {
        let after: Checkpoint = Checkpoint.start;
        for (;;) {
          const wasWriting = writing;
          const page = await orFail(store.readAll({ after, maxCount: 50, filter: { streamPrefix: prefix }, decoder: CountedEvent }));
          seen.push(...page.events);
          for (const e of page.events) seenOnce.add(e.event.data.n);
          after = page.checkpoint;
          if (page.events.length === 0) {
            if (!wasWriting && (seenOnce.size >= total || Date.now() > deadline)) return;
            await new Promise((r) => setTimeout(r, 1));
          }
        }
      };
      const reader = tail();
      // A writer that fails ends the tail too (at its next empty page), or it would poll for ever.
      let written = false;
      try {
        await Promise.all(Array.from({ length: writers }, (_, w) => write(w)));
        written = true;
      } finally {
        deadline = written ? Date.now() + 60_000 : Date.now();
        writing = false;
        if (!written) await reader.catch(() => undefined);
      }
      await reader;
      const ns = seen.map((e) => e.event.data.n);
      const unique = new Set(ns);
      const lost = total - unique.size;
      const duplicated = ns.length - unique.size;
      expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
      const lastRevision = new Map<string, number>();
      for (const e of seen) {
        expect(e.revision).toBe((lastRevision.get(e.streamId) ?? -1) + 1);
        lastRevision.set(e.streamId, e.revision);
      }
    });
  });

  describe('a subscription', () => {
    const collect = (into: number[], s: ContractSubject, subscriptionId: string, prefix: string) =>
      subscribe(s.store, {
        subscriptionId,
        checkpoints: s.checkpoints,
        decoder: CountedEvent,
        filter: { streamPrefix: prefix },
        batchSize: 7,
        pollIntervalMs: 5,
        handle: (events) =>
          TE.fromIO(() => {
            into.push(...events.map((e) => e.event.data.n));
          }),
      });

    it('resumes from its stored checkpoint after a restart, with no loss and no repeat', async () => {
      const first = subject();
      const prefix = uniquePrefix('sub');
      const id = `${prefix}projection`;
      for (let i = 0; i < 30; i++) await orFail(first.store.appendToStream(`${prefix}${i % 4}`, [counted(i)]));
      const before: number[] = [];
      const running = collect(before, first, id, prefix);
      await waitUntil(() => before.length >= 30);
      await running.stop();
      expect(await running.done).toEqual({ _tag: 'Right', right: undefined });
      for (let i = 30; i < 50; i++) await orFail(first.store.appendToStream(`${prefix}${i % 4}`, [counted(i)]));
      const reopened = options.reopen === undefined ? first : await options.reopen(first);
      try {
        const after: number[] = [];
        const restarted = collect(after, reopened, id, prefix);
        await waitUntil(() => after.length >= 20);
        await orFail(reopened.store.appendToStream(`${prefix}x`, [counted(50)]));
        await waitUntil(() => after.length >= 21);
        await restarted.stop();
        expect(before).toEqual(Array.from({ length: 30 }, (_, i) => i));
        expect(after).toEqual(Array.from({ length: 21 }, (_, i) => 30 + i));
      } finally {
        if (reopened !== first) await options.teardown?.(reopened);
      }
    });

    it('stops on a failing handler without saving past the failed batch, so it is delivered again', async () => {
      const s = subject();
      const prefix = uniquePrefix('subf');
      const id = `${prefix}projection`;
      for (let i = 0; i < 5; i++) await orFail(s.store.appendToStream(`${prefix}a`, [counted(i)]));
      const failing = subscribe(s.store, {
        subscriptionId: id,
        checkpoints: s.checkpoints,
        filter: { streamPrefix: prefix },
        pollIntervalMs: 5,
        handle: () => TE.left('projection down'),
      });
      expect(await failing.done).toEqual({ _tag: 'Left', left: { _tag: 'HandlerFailed', subscriptionId: id, error: 'projection down' } });
      const got: number[] = [];
      const again = collect(got, s, id, prefix);
      await waitUntil(() => got.length >= 5);
      await again.stop();
      expect(got).toEqual([0, 1, 2, 3, 4]);
    });
  });
};
