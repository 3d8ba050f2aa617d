import * as E from 'fp-ts/Either';
import type { Checkpoint } from './Checkpoint.js';
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
    return u.slice(0, 5).map((e) => {
      const path = e.context.map((c) => c.key).filter((k) => k !== '').join('.');
      const expected = e.context[e.context.length - 1]?.type.name ?? 'unknown';
      return e.message ?? `at ${path === '' ? '<root>' : path}: expected ${expected}`;
    }).join('; ');
  }
  if (u instanceof Error) return u.message;
  return typeof u === 'string' ? u : 'rejected by decoder';
};

const parse = (text: unknown, parsed: boolean): E.Either<string, unknown> => {
  if (parsed) return E.right(text);
  if (typeof text !== 'string') return E.left('stored value is not text');
  try {
    return E.right(JSON.parse(text));
  } catch {
    return E.left('stored value is not valid JSON');
  }
};

/** Turns a stored row into a recorded event, or a `CorruptEvent` naming its stream and revision. */
export const toRecorded = <A>(row: StoredRow, decoder?: EventDecoder<A>): E.Either<CorruptEvent, RecordedEvent<A>> => {
  const fail = (reason: string) => corruptEvent(row.streamId, row.revision, row.position, reason);
  const data = parse(row.data, row.parsed);
  if (E.isLeft(data)) return E.left(fail(`data: ${data.left}`));
  const metadata = parse(row.metadata, row.parsed);
  if (E.isLeft(metadata)) return E.left(fail(`metadata: ${metadata.left}`));
  const raw: RawEvent = { type: row.type, data: data.right, metadata: metadata.right };
  const base = { id: row.id, streamId: row.streamId, revision: row.revision, position: row.position, recordedAt: row.recordedAt };
  if (decoder === undefined) return E.right({ ...base, event: raw as unknown as A });
  const decoded = decoder.decode(raw);
  return E.isLeft(decoded) ? E.left(fail(formatDecodeError(decoded.left))) : E.right({ ...base, event: decoded.right });
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
