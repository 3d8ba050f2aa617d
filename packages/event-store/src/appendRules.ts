import * as E from 'fp-ts/lib/Either.js';
import type { Checkpoint } from './checkpoint.js';
import { duplicateEventId, versionConflict, type DuplicateEventId, type VersionConflict } from './errors.js';
import type { AppendResult, ExpectedVersion, StreamVersion } from './types.js';

/** Whether a stream at `current` satisfies `expected`. */
export const satisfies = (expected: ExpectedVersion, current: StreamVersion): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return current === 'no-stream';
    case 'stream-exists':
      return current !== 'no-stream';
    default:
      return current === expected;
  }
};

export const checkVersion = (streamId: string, expected: ExpectedVersion, current: StreamVersion): E.Either<VersionConflict, void> =>
  satisfies(expected, current) ? E.right(undefined) : E.left(versionConflict(streamId, expected, current));

/** Where an event id of the batch is already stored, if it is. */
export interface StoredId {
  readonly id: string;
  readonly streamId: string;
  readonly revision: number;
  readonly position: Checkpoint;
}

/**
 * The idempotency rule shared by the adapters: a batch none of whose ids is stored is new
 * (`right(undefined)`); a batch stored before as exactly this append (same stream, consecutive
 * revisions, same order) returns that append's result; anything else is a `DuplicateEventId`.
 */
export const idempotentOutcome = (
  streamId: string,
  ids: ReadonlyArray<string>,
  stored: ReadonlyArray<StoredId | undefined>,
): E.Either<DuplicateEventId, AppendResult | undefined> => {
  if (new Set(ids).size !== ids.length) return E.left(duplicateEventId(streamId, ids.find((id, i) => ids.indexOf(id) !== i) ?? ''));
  if (stored.every((s) => s === undefined)) return E.right(undefined);
  const first = stored[0];
  const whole =
    first !== undefined &&
    stored.every((s, i) => s !== undefined && s.streamId === streamId && s.id === ids[i] && s.revision === first.revision + i);
  const last = stored[stored.length - 1];
  if (whole && last !== undefined) return E.right({ nextExpectedVersion: last.revision, position: last.position });
  const clash = stored.find((s) => s !== undefined);
  return E.left(duplicateEventId(streamId, clash?.id ?? ids[0] ?? ''));
};
