import type { DirectoryError, UserError } from '@takeover/core';
import type { AppendError, ReadError } from '@takeover/event-store';

/** The command was refused by the domain: the error says why, for a person (e.g. `CannotLogIn`). */
export interface Rejected {
  readonly _tag: 'Rejected';
  readonly error: UserError | DirectoryError;
  readonly message: string;
}

/** The store failed to read or append (unavailable, or a stored event that does not decode). */
export interface StoreFailed {
  readonly _tag: 'StoreFailed';
  readonly error: AppendError | ReadError | { readonly _tag: 'DecodeError'; readonly message: string };
  readonly message: string;
}

/** Other writers kept changing the stream: every re-read and re-decide met a newer version. */
export interface TooManyConflicts {
  readonly _tag: 'TooManyConflicts';
  readonly streamId: string;
  readonly attempts: number;
  readonly message: string;
}

export type EngineError = Rejected | StoreFailed | TooManyConflicts;

export const rejected = (error: UserError | DirectoryError): Rejected => ({ _tag: 'Rejected', error, message: error.message });

export const storeFailed = (error: StoreFailed['error']): StoreFailed => ({
  _tag: 'StoreFailed',
  error,
  message:
    'message' in error
      ? error.message
      : error._tag === 'VersionConflict'
        ? `version conflict on ${error.streamId}`
        : `${error._tag} ${error.eventId} on ${error.streamId}`,
});

export const tooManyConflicts = (streamId: string, attempts: number): TooManyConflicts => ({
  _tag: 'TooManyConflicts',
  streamId,
  attempts,
  message: `${streamId} kept changing: gave up after ${attempts} attempts`,
});

const hasTag = (u: unknown, tag: string): boolean => typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === tag;
export const isRejected = (u: unknown): u is Rejected => hasTag(u, 'Rejected');
export const isStoreFailed = (u: unknown): u is StoreFailed => hasTag(u, 'StoreFailed');
export const isTooManyConflicts = (u: unknown): u is TooManyConflicts => hasTag(u, 'TooManyConflicts');
