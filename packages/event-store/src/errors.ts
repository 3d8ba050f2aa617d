import type { Checkpoint } from './checkpoint.js';
import type { ExpectedVersion, StreamVersion } from './types.js';

/** The stream is not at the version the caller expected: re-read, decide again, retry. */
export interface VersionConflict {
  readonly _tag: 'VersionConflict';
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly actual: StreamVersion;
}

/** An event id in the batch is already stored, but not as this very append (a different stream,
 *  position or batch). A retried append of the same batch is not this: it succeeds. */
export interface DuplicateEventId {
  readonly _tag: 'DuplicateEventId';
  readonly streamId: string;
  readonly eventId: string;
}

/** The store could not be reached or failed to answer: retry later. `message` (prose) never holds payloads. */
export interface StoreUnavailable {
  readonly _tag: 'StoreUnavailable';
  readonly message: string;
}

/** A stored event could not be read back (not JSON, or rejected by the caller's decoder). */
export interface CorruptEvent {
  readonly _tag: 'CorruptEvent';
  readonly streamId: string;
  readonly revision: number;
  readonly position: Checkpoint;
  /** What was wrong, in prose (never the event's payload). */
  readonly message: string;
}

/** A subscription's handler failed; the checkpoint stays before the batch it was given. */
export interface HandlerFailed {
  readonly _tag: 'HandlerFailed';
  readonly subscriptionId: string;
  readonly error: unknown;
}

export type AppendError = VersionConflict | DuplicateEventId | StoreUnavailable;
export type ReadError = CorruptEvent | StoreUnavailable;
export type SubscriptionError = ReadError | HandlerFailed;
export type EventStoreError = AppendError | ReadError;

export const versionConflict = (streamId: string, expected: ExpectedVersion, actual: StreamVersion): VersionConflict => ({
  _tag: 'VersionConflict',
  streamId,
  expected,
  actual,
});
export const duplicateEventId = (streamId: string, eventId: string): DuplicateEventId => ({ _tag: 'DuplicateEventId', streamId, eventId });
export const storeUnavailable = (message: string): StoreUnavailable => ({ _tag: 'StoreUnavailable', message });
export const corruptEvent = (streamId: string, revision: number, position: Checkpoint, message: string): CorruptEvent => ({
  _tag: 'CorruptEvent',
  streamId,
  revision,
  position,
  message,
});
export const handlerFailed = (subscriptionId: string, error: unknown): HandlerFailed => ({ _tag: 'HandlerFailed', subscriptionId, error });

/** Structural guards (no `instanceof`: they survive duplicate package copies). */
const hasTag = (u: unknown, tag: string): boolean => typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === tag;
export const isVersionConflict = (u: unknown): u is VersionConflict => hasTag(u, 'VersionConflict');
export const isDuplicateEventId = (u: unknown): u is DuplicateEventId => hasTag(u, 'DuplicateEventId');
export const isStoreUnavailable = (u: unknown): u is StoreUnavailable => hasTag(u, 'StoreUnavailable');
export const isCorruptEvent = (u: unknown): u is CorruptEvent => hasTag(u, 'CorruptEvent');
export const isHandlerFailed = (u: unknown): u is HandlerFailed => hasTag(u, 'HandlerFailed');

/** A driver error's message without its payload-bearing detail, for `StoreUnavailable.message`. */
export const describeCause = (e: unknown): string => {
  if (typeof e === 'object' && e !== null) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    const c = typeof code === 'string' ? `${code}: ` : '';
    return `${c}${typeof message === 'string' ? message : 'unknown error'}`;
  }
  return String(e);
};
