import * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId } from '@takeover/core';
import type { Deps } from './deps.js';
import type { SweepReport, SweepState } from './sweep.js';
import { knownDirectories, sweepDirectory } from './sweep.js';

/** The directories a sweep of every directory visits: from the read model when it lists them, else from the store. */
const listed = async (deps: Deps, state: SweepState): Promise<E.Either<string, ReadonlyArray<DirectoryId>>> => {
  const known = state.linked.knownDirectories;
  if (known === undefined) return knownDirectories(deps);
  try {
    return E.right(await known());
  } catch (e) {
    return E.left(e instanceof Error ? e.message : String(e));
  }
};

/**
 * The engine's external-change sweeps (R16): `sweep` on demand, and every `intervalMs` when
 * configured. One sweep at a time per engine (a slow one is not overlapped by the next tick);
 * directories are swept one after another, each through its own pacer.
 */
export const externalChangeSweeps = (deps: Deps, state: SweepState, periodic: { readonly intervalMs: number } | undefined) => {
  let running: Promise<ReadonlyArray<SweepReport>> | undefined;
  const sweepAll = async (only?: DirectoryId): Promise<ReadonlyArray<SweepReport>> => {
    const ids = only !== undefined ? E.right([only]) : await listed(deps, state);
    if (E.isLeft(ids)) {
      deps.logger.warn('external-change sweep: cannot list the directories', { error: ids.left });
      return [];
    }
    const out: SweepReport[] = [];
    for (const id of ids.right) out.push(await sweepDirectory(deps, state, id));
    return out;
  };
  const sweep = async (only?: DirectoryId): Promise<ReadonlyArray<SweepReport>> => {
    while (running !== undefined) await running.catch(() => undefined);
    const now = sweepAll(only).finally(() => {
      running = undefined;
    });
    running = now;
    return now;
  };
  let timer: NodeJS.Timeout | undefined;
  if (periodic !== undefined) {
    if (!(periodic.intervalMs > 0))
      throw new RangeError(`externalChangeSweep.intervalMs must be a positive number of milliseconds, got ${periodic.intervalMs}`);
    timer = setInterval(() => {
      if (running === undefined)
        void sweep().catch((e: unknown) =>
          deps.logger.error('external-change sweep failed', { error: e instanceof Error ? e.message : String(e) }),
        );
    }, periodic.intervalMs);
    timer.unref();
  }
  return {
    sweep,
    stop: async (): Promise<void> => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
};
