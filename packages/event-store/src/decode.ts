import * as E from 'fp-ts/lib/Either.js';
import type { Checkpoint } from './checkpoint.js';
import { corruptEvent, type CorruptEvent } from './errors.js';
import type { EventDecoder, RawEvent, RecordedEvent } from './types.js';

/** Fields every adapter reads back from its storage before decoding. */
export interface StoredRow {
  readonly id: string;
  readonly streamId: string;
  readonly revision: number;
  readonly position: Checkpoint;
  readonly recordedAt: Date;
  readonly type: string;
  /** JSON text, or an already parsed value (PostgreSQL jsonb). */
  readonly data: unknown;
  readonly metadata: unknown;
  readonly parsed: boolean;
}

interface ValidationErrorLike {
  readonly context: ReadonlyArray<{ readonly key: string; readonly type: { readonly name: string } }>;
  readonly message?: string;
}

const isValidationErrors = (u: unknown): u is ReadonlyArray<ValidationErrorLike> =>
  Array.isArray(u) && u.every((e) => typeof e === 'object' && e !== null && Array.isArray((e as { context?: unknown }).context));

/** io-ts errors as paths and expected types, never the offending values (they may be payload). */
export const formatDecodeError = (u: unknown): string => {
  if (isValidationErrors(u)) {
    return u
      .slice(0, 5)
      .map((e) => {
        const path = e.context
          .map((c) => c.key)
          .filter((k) => k !== '')
          .join('.');
        const expected = e.context[e.context.length - 1]?.type.name ?? 'unknown';
        return e.message ?? `at ${path === '' ? '<root>' : path}: expected ${expected}`;
      })
      .join('; ');
  }
  if (u instanceof Error) return u.message;
  return typeof u === 'string' ? u : 'rejected by decoder';
};

const invalid: unique symbol = Symbol('invalid JSON');

const parse = (text: unknown): unknown => {
  if (typeof text !== 'string') return invalid;
  try {
    return JSON.parse(text);
  } catch {
    return invalid;
  }
};

/** Turns a stored row into a recorded event, or a `CorruptEvent` naming its stream and revision.
 *  (On the hot path of every read: no spreads or closures.) */
export const toRecorded = <A>(row: StoredRow, decoder?: EventDecoder<A>): E.Either<CorruptEvent, RecordedEvent<A>> => {
  let data: unknown = row.data;
  let metadata: unknown = row.metadata;
  if (!row.parsed) {
    const d = parse(row.data);
    if (d === invalid) return E.left(corruptEvent(row.streamId, row.revision, row.position, 'data: stored value is not valid JSON'));
    const m = parse(row.metadata);
    if (m === invalid) return E.left(corruptEvent(row.streamId, row.revision, row.position, 'metadata: stored value is not valid JSON'));
    data = d;
    metadata = m;
  }
  const raw: RawEvent = { type: row.type, data, metadata };
  let event = raw as unknown as A;
  if (decoder !== undefined) {
    const decoded = decoder.decode(raw);
    if (decoded._tag === 'Left') return E.left(corruptEvent(row.streamId, row.revision, row.position, formatDecodeError(decoded.left)));
    event = decoded.right;
  }
  return E.right({ id: row.id, streamId: row.streamId, revision: row.revision, position: row.position, recordedAt: row.recordedAt, event });
};

/** Converts rows in order, stopping at the first corrupt one (never skipping it). */
export const toRecordedAll = <A>(
  rows: ReadonlyArray<StoredRow>,
  decoder?: EventDecoder<A>,
): E.Either<CorruptEvent, ReadonlyArray<RecordedEvent<A>>> => {
  const out: Array<RecordedEvent<A>> = [];
  for (const row of rows) {
    const r = toRecorded(row, decoder);
    if (E.isLeft(r)) return r;
    out.push(r.right);
  }
  return E.right(out);
};

/** JSON text of a payload; a value JSON cannot represent is a programmer error. */
export const serialise = (value: unknown, what: string): string => {
  const text = JSON.stringify(value);
  if (typeof text !== 'string') throw new TypeError(`${what} is not JSON-serialisable`);
  return text;
};
