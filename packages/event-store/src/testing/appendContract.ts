/// <reference types="jest" />
// Jest's globals, not an import of @jest/globals: that CommonJS module has no ESM named exports.
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ExpectedVersion } from '../types.js';
import { counted, leftOf, orFail, uniquePrefix, untilVisible, type ContractOptions, type ContractSubject } from './fixtures.js';

/** Expected-version semantics and idempotent append. */
export const appendContract = (subject: () => ContractSubject, options: ContractOptions): void => {
  // A store that keeps event ids unique per stream only (EventStoreDB) cannot run the cases below
  // that need a cross-stream duplicate id: they are skipped, and the skipped test's name says why.
  const globalIds = (name: string, why: string, body: () => Promise<void>): void => {
    if (options.eventIdsUniquePerStreamOnly === true) it.skip(`${name} (skipped: ${why})`, body);
    else it(name, body);
  };
  describe('append with an expected version', () => {
    it('creates a stream with no-stream and reports its version and position', async () => {
      const { store } = subject();
      const s = `${uniquePrefix('ev')}a`;
      const r = await orFail(store.appendToStream(s, [counted(1), counted(2)], { expectedVersion: 'no-stream' }));
      expect(r.nextExpectedVersion).toBe(1);
      const read = await orFail(store.readStream(s));
      expect(read.map((e) => e.revision)).toEqual([0, 1]);
      expect(read[1]?.position).toBe(r.position);
    });

    it.each<[string, ExpectedVersion, boolean, ExpectedVersion]>([
      ['no-stream on an existing stream', 'no-stream', true, 'no-stream'],
      ['stream-exists on a missing stream', 'stream-exists', false, 'stream-exists'],
      ['a wrong exact version', 5, true, 5],
      ['an exact version on a missing stream', 0, false, 0],
    ])('rejects %s with VersionConflict carrying expected and actual', async (_, expected, exists, reported) => {
      const { store } = subject();
      const s = `${uniquePrefix('ev')}b`;
      if (exists) await orFail(store.appendToStream(s, [counted(1)]));
      const conflict = await leftOf(store.appendToStream(s, [counted(2)], { expectedVersion: expected }));
      expect(conflict).toEqual({ _tag: 'VersionConflict', streamId: s, expected: reported, actual: exists ? 0 : 'no-stream' });
      expect(await orFail(store.readStream(s))).toHaveLength(exists ? 1 : 0);
    });

    it('accepts the exact version, stream-exists on an existing stream, and any', async () => {
      const { store } = subject();
      const s = `${uniquePrefix('ev')}c`;
      expect((await orFail(store.appendToStream(s, [counted(0)], { expectedVersion: 'any' }))).nextExpectedVersion).toBe(0);
      expect((await orFail(store.appendToStream(s, [counted(1)], { expectedVersion: 0 }))).nextExpectedVersion).toBe(1);
      expect((await orFail(store.appendToStream(s, [counted(2)], { expectedVersion: 'stream-exists' }))).nextExpectedVersion).toBe(2);
      expect((await orFail(store.appendToStream(s, [counted(3)]))).nextExpectedVersion).toBe(3);
      const data = (await orFail(store.readStream(s))).map((e) => e.event.data);
      expect(data).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
    });

    it.each<[ExpectedVersion]>([['no-stream'], [0]])(
      'lets exactly one of 8 concurrent appends at expected version %p win; the rest conflict, nothing is lost',
      async (expected) => {
        const { store } = subject();
        const s = `${uniquePrefix('ev')}d`;
        if (expected === 0) await orFail(store.appendToStream(s, [counted(-1)]));
        const batches = Array.from({ length: 8 }, (_, i) => [counted(i), counted(100 + i)]);
        const results = await Promise.all(batches.map((b) => store.appendToStream(s, b, { expectedVersion: expected })()));
        const winners = results.flatMap((r, i) => (r._tag === 'Right' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const r of results) if (r._tag === 'Left') expect(r.left._tag).toBe('VersionConflict');
        const stored = (await orFail(store.readStream(s))).map((e) => e.id);
        const before = expected === 0 ? 1 : 0;
        expect(stored.slice(before)).toEqual(batches[winners[0] ?? -1]?.map((e) => e.id));
      },
    );
  });

  describe('idempotent append (on event id)', () => {
    it('succeeds without writing twice when the same batch is appended again after a lost acknowledgement', async () => {
      const { store } = subject();
      const prefix = uniquePrefix('id');
      const s = `${prefix}a`;
      const batch = [counted(1), counted(2)];
      const first = await orFail(store.appendToStream(s, batch, { expectedVersion: 'no-stream' }));
      const again = await orFail(store.appendToStream(s, batch, { expectedVersion: 'no-stream' }));
      const anyAgain = await orFail(store.appendToStream(s, batch, { expectedVersion: 'any' }));
      expect(again).toEqual(first);
      expect(anyAgain).toEqual(first);
      expect((await orFail(store.readStream(s))).map((e) => e.id)).toEqual(batch.map((e) => e.id));
      await untilVisible(store, prefix, 2);
      const all = await orFail(store.readAll({ filter: { streamPrefix: prefix } }));
      expect(all.events).toHaveLength(2);
    });

    globalIds(
      'rejects a stored event id reused in another stream or batch with DuplicateEventId',
      'this store keeps event ids unique per stream only, so an id reused in another stream is not a duplicate',
      async () => {
        const { store } = subject();
        const prefix = uniquePrefix('id');
        const e = counted(1);
        await orFail(store.appendToStream(`${prefix}a`, [e]));
        expect(await leftOf(store.appendToStream(`${prefix}b`, [e]))).toMatchObject({ _tag: 'DuplicateEventId', eventId: e.id });
        expect(await leftOf(store.appendToStream(`${prefix}a`, [counted(2), e]))).toMatchObject({ _tag: 'DuplicateEventId' });
        expect(await orFail(store.readStream(`${prefix}b`))).toEqual([]);
        expect(await orFail(store.readStream(`${prefix}a`))).toHaveLength(1);
      },
    );

    globalIds(
      'keeps an append atomic: a batch is all stored or none of it',
      'the failing batch is made with an event id stored in another stream, which this store (ids unique per stream only) accepts',
      async () => {
        const { store } = subject();
        const s = `${uniquePrefix('id')}c`;
        const taken = counted(0);
        await orFail(store.appendToStream(`${s}-other`, [taken]));
        await leftOf(store.appendToStream(s, [counted(1), counted(2), taken]));
        expect(await orFail(store.readStream(s))).toEqual([]);
        await orFail(TE.sequenceArray([store.appendToStream(s, [counted(3)], { expectedVersion: 'no-stream' })]));
      },
    );
  });
};
