/// <reference types="jest" />
// Jest's globals, not an import of @jest/globals: that CommonJS module has no ESM named exports.
import { Checkpoint } from '../checkpoint.js';
import type { RecordedEvent } from '../types.js';
import { counted, CountedEvent, leftOf, orFail, uniquePrefix, untilVisible, type ContractSubject } from './fixtures.js';

/** Per-stream and global order, paging, payload fidelity, corrupt stored events. */
export const readContract = (subject: () => ContractSubject): void => {
  describe('reading a stream', () => {
    it('returns events in revision order, forwards from a revision, backwards, and in pages', async () => {
      const { store } = subject();
      const s = `${uniquePrefix('rs')}a`;
      for (let i = 0; i < 3; i++) await orFail(store.appendToStream(s, [counted(2 * i), counted(2 * i + 1)]));
      const ns = (es: ReadonlyArray<RecordedEvent<CountedEvent>>) => es.map((e) => e.event.data.n);
      const read = (o: Parameters<typeof store.readStream>[1]) => orFail(store.readStream(s, { ...o, decoder: CountedEvent }));
      expect(ns(await read({}))).toEqual([0, 1, 2, 3, 4, 5]);
      expect(ns(await read({ from: 2, maxCount: 3 }))).toEqual([2, 3, 4]);
      expect(ns(await read({ direction: 'backwards' }))).toEqual([5, 4, 3, 2, 1, 0]);
      expect(ns(await read({ direction: 'backwards', from: 3, maxCount: 2 }))).toEqual([3, 2]);
      expect(await orFail(store.readStream(`${s}-missing`))).toEqual([]);
    });

    it('returns what was appended: id, type, data, metadata (default {}), stream, revision, time', async () => {
      const { store } = subject();
      const s = `${uniquePrefix('rs')}b`;
      const before = Date.now();
      await orFail(store.appendToStream(s, [{ id: 'plain-id-1', type: 'Counted', data: { n: 1 } }]));
      const [e] = await orFail(store.readStream(s));
      expect(e).toMatchObject({ id: 'plain-id-1', streamId: s, revision: 0, event: { type: 'Counted', data: { n: 1 }, metadata: {} } });
      expect(e?.recordedAt).toBeInstanceOf(Date);
      expect(Math.abs((e?.recordedAt.getTime() ?? 0) - before)).toBeLessThan(60_000);
    });

    it('round-trips a large payload and Unicode exactly', async () => {
      const { store } = subject();
      const s = `${uniquePrefix('rs')}c`;
      const text = 'Zoë Ångström ‮עברית‬ 日本語 🎉👩‍👩‍👧 e\u0301 "quotes" \\ \n\t nul:\u0000';
      const big = 'x'.repeat(1_000_000);
      await orFail(
        store.appendToStream(s, [
          { id: `${s}-1`, type: 'Ünïcode ✓', data: { text, nested: [{ [text]: text }] }, metadata: { text } },
          { id: `${s}-2`, type: 'Large', data: { big, list: Array.from({ length: 2_000 }, (_, i) => i) } },
        ]),
      );
      const [u, l] = await orFail(store.readStream(s));
      expect(u?.event).toEqual({ type: 'Ünïcode ✓', data: { text, nested: [{ [text]: text }] }, metadata: { text } });
      expect((l?.event.data as { big: string }).big).toBe(big);
    });
  });

  describe('reading the global order', () => {
    it('returns events across streams in append order, strictly after a checkpoint, page by page', async () => {
      const { store } = subject();
      const prefix = uniquePrefix('ga');
      for (let i = 0; i < 25; i++) await orFail(store.appendToStream(`${prefix}${i % 3}`, [counted(i)]));
      await untilVisible(store, prefix, 25);
      const seen: number[] = [];
      let after: Checkpoint = Checkpoint.start;
      for (;;) {
        const page = await orFail(store.readAll({ after, maxCount: 7, filter: { streamPrefix: prefix }, decoder: CountedEvent }));
        if (page.events.length === 0) {
          const again = await orFail(store.readAll({ after: page.checkpoint, filter: { streamPrefix: prefix } }));
          expect(again.events).toEqual([]);
          break;
        }
        expect(page.events.length).toBeLessThanOrEqual(7);
        seen.push(...page.events.map((e) => e.event.data.n));
        expect(page.checkpoint).toBe(page.events.at(-1)?.position);
        after = page.checkpoint;
      }
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect(JSON.parse(JSON.stringify(after))).toBe(after);
    });
  });

  describe('an undecodable stored event', () => {
    it('is reported with its stream and revision by readStream and readAll, never skipped', async () => {
      const { store, plantCorruptEvent } = subject();
      const prefix = uniquePrefix('ce');
      const s = `${prefix}a`;
      await orFail(store.appendToStream(s, [counted(0)]));
      await plantCorruptEvent(s);
      await orFail(store.appendToStream(s, [counted(2)]));
      await untilVisible(store, prefix, 3);
      const fromStream = await leftOf(store.readStream(s, { decoder: CountedEvent }));
      expect(fromStream).toMatchObject({ _tag: 'CorruptEvent', streamId: s, revision: 1 });
      const fromAll = await leftOf(store.readAll({ filter: { streamPrefix: prefix }, decoder: CountedEvent }));
      expect(fromAll).toMatchObject({ _tag: 'CorruptEvent', streamId: s, revision: 1 });
      if (fromAll._tag === 'CorruptEvent') expect(fromAll.message.length).toBeGreaterThan(0);
      const tail = await orFail(store.readStream(s, { from: 2, decoder: CountedEvent }));
      expect(tail.map((e) => e.event.data.n)).toEqual([2]);
    });
  });
};
