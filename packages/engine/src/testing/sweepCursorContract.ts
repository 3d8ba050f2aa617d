/// <reference types="jest" />
// Jest's globals, not an import of @jest/globals: that CommonJS module has no ESM named exports.
import { directoryId } from '@takeover/core';
import type { SweepCursorStore } from '../dispatch/sweepState.js';

/** One cursor store under test: `reopen` gives a new store on the same rows (a process restart). */
export interface SweepCursorSubject {
  readonly cursors: SweepCursorStore;
  readonly reopen: () => Promise<SweepCursorStore>;
  readonly stop: () => Promise<void>;
}

export interface SweepCursorContractOptions {
  /** A fresh, empty subject. */
  readonly setup: () => Promise<SweepCursorSubject>;
  /** The store forgets on reopen (in memory): skip the restart check. */
  readonly forgetsOnReopen?: boolean;
  readonly skip?: string;
}

/**
 * The sweep's cursor store (`EngineOptions.sweepCursors`): one cursor per directory, saved
 * compare-and-set on the round, so two instances saving the same round at once store one; what is
 * saved is read back after a restart; saving again overwrites (one row per directory, not one per round).
 */
export const sweepCursorContract = (name: string, options: SweepCursorContractOptions): void => {
  const suite = options.skip === undefined ? describe : describe.skip;
  suite(`SweepCursorStore contract: ${name}${options.skip === undefined ? '' : ` (skipped: ${options.skip})`}`, () => {
    const A = directoryId('google');
    const B = directoryId('m365');
    let subject: SweepCursorSubject;
    beforeEach(async () => {
      subject = await options.setup();
    });
    afterEach(async () => {
      await subject.stop();
    });

    it('nothing saved reads as undefined; round 1 saves, then each next round replaces it; directories are apart', async () => {
      const { cursors } = subject;
      expect(await cursors.load(A)).toBeUndefined();
      expect(await cursors.save(A, { cursor: 'a-1', round: 1 })).toBe(true);
      expect(await cursors.load(A)).toEqual({ cursor: 'a-1', round: 1 });
      expect(await cursors.load(B)).toBeUndefined();
      expect(await cursors.save(A, { cursor: 'a-2', round: 2 })).toBe(true);
      expect(await cursors.save(B, { cursor: 'b-1', round: 1 })).toBe(true);
      expect(await cursors.load(A)).toEqual({ cursor: 'a-2', round: 2 });
      expect(await cursors.load(B)).toEqual({ cursor: 'b-1', round: 1 });
    });

    it('a stale or skipped round is refused and changes nothing', async () => {
      const { cursors } = subject;
      expect(await cursors.save(A, { cursor: 'skip', round: 2 })).toBe(false);
      expect(await cursors.load(A)).toBeUndefined();
      expect(await cursors.save(A, { cursor: 'a-1', round: 1 })).toBe(true);
      expect(await cursors.save(A, { cursor: 'again', round: 1 })).toBe(false);
      expect(await cursors.save(A, { cursor: 'ahead', round: 3 })).toBe(false);
      expect(await cursors.load(A)).toEqual({ cursor: 'a-1', round: 1 });
    });

    it('parallel duplicates: of several instances saving the same round at once, exactly one is stored', async () => {
      const { cursors } = subject;
      const others = [cursors, await subject.reopen(), await subject.reopen()];
      const first = await Promise.all(others.map((c, i) => c.save(A, { cursor: `first-${i}`, round: 1 })));
      expect(first.filter(Boolean)).toHaveLength(1);
      const winner = first.indexOf(true);
      expect(await cursors.load(A)).toEqual({ cursor: `first-${winner}`, round: 1 });
      const second = await Promise.all(others.map((c, i) => c.save(A, { cursor: `second-${i}`, round: 2 })));
      expect(second.filter(Boolean)).toHaveLength(1);
      expect(await cursors.load(A)).toEqual({ cursor: `second-${second.indexOf(true)}`, round: 2 });
    });

    const restart = options.forgetsOnReopen === true ? it.skip : it;
    restart(
      `a saved cursor is read back after a restart, and the next round continues from it${options.forgetsOnReopen === true ? ' (skipped: this store keeps cursors in memory only; a persisted store runs it)' : ''}`,
      async () => {
        expect(await subject.cursors.save(A, { cursor: 'before-restart', round: 1 })).toBe(true);
        const reopened = await subject.reopen();
        expect(await reopened.load(A)).toEqual({ cursor: 'before-restart', round: 1 });
        expect(await reopened.save(A, { cursor: 'after-restart', round: 2 })).toBe(true);
        expect(await subject.cursors.load(A)).toEqual({ cursor: 'after-restart', round: 2 });
      },
    );
  });
};
