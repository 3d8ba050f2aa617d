import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import {
  Checkpoint,
  corruptEvent,
  describeCause,
  storeUnavailable,
  versionConflict,
  type CorruptEvent,
  type ExpectedVersion,
  type StoredRow,
  type StoreUnavailable,
  type StreamVersion,
  type VersionConflict,
} from '@takeover/event-store';

/** The client's shapes this file maps, declared structurally so it is testable without a server. */
export interface EsdbPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}
/** The expected revision as the EventStoreDB client takes it. */
export type EsdbExpected = 'any' | 'no_stream' | 'stream_exists' | bigint;
export interface EsdbRecorded {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: EsdbPosition;
}

export const toEsdbExpected = (expected: ExpectedVersion): EsdbExpected => {
  switch (expected) {
    case 'any':
      return 'any';
    case 'no-stream':
      return 'no_stream';
    case 'stream-exists':
      return 'stream_exists';
    default:
      return BigInt(expected);
  }
};

export const fromEsdbVersion = (v: unknown): StreamVersion => (typeof v === 'bigint' ? Number(v) : 'no-stream');

export const toCheckpoint = (p: EsdbPosition): Checkpoint => Checkpoint.unsafeOf(`${p.commit}/${p.prepare}`);

export const fromCheckpoint = (c: Checkpoint): EsdbPosition | 'start' => {
  if (Checkpoint.isStart(c)) return 'start';
  const m = /^(\d+)\/(\d+)$/.exec(c);
  if (m?.[1] === undefined || m[2] === undefined) throw new TypeError(`not a checkpoint of the EventStoreDB store: ${c}`);
  return { commit: BigInt(m[1]), prepare: BigInt(m[2]) };
};

/** Translates a client error: WrongExpectedVersionError → VersionConflict; the rest → StoreUnavailable. */
export const translateError = (streamId: string, expected: ExpectedVersion, e: unknown): VersionConflict | StoreUnavailable => {
  const err = e as { type?: unknown; actualVersion?: unknown };
  if (err.type === 'wrong-expected-version') return versionConflict(streamId, expected, fromEsdbVersion(err.actualVersion));
  return storeUnavailable(describeCause(e));
};

export const isStreamNotFound = (e: unknown): boolean => (e as { type?: unknown }).type === 'stream-not-found';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAMESPACE = Buffer.from('5d0bd5d2a7a84c7f9f7a4f3e0c7b6d11', 'hex');

/** EventStoreDB ids are UUIDs: a UUID is kept, any other id becomes its UUIDv5 (deterministic, so
 *  a retried append keeps its id and stays idempotent). */
export const toEsdbId = (id: string): string => {
  if (UUID.test(id)) return id.toLowerCase();
  const h = createHash('sha1').update(NAMESPACE).update(id, 'utf8').digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
};

/** Stored metadata: the caller's id and metadata in an envelope (EventStoreDB wants an object). */
export interface Envelope {
  readonly takeoverId: string;
  readonly metadata: unknown;
}
export const envelope = (id: string, metadata: unknown): Envelope => ({ takeoverId: id, metadata: metadata ?? {} });

const isEnvelope = (u: unknown): u is Envelope =>
  typeof u === 'object' && u !== null && typeof (u as { takeoverId?: unknown }).takeoverId === 'string';

const parsed = (v: unknown): E.Either<string, unknown> => {
  if (!(v instanceof Uint8Array)) return E.right(v ?? {});
  try {
    return E.right(JSON.parse(Buffer.from(v).toString('utf8')));
  } catch {
    return E.left('stored value is not valid JSON');
  }
};

/** A recorded event as the port's stored row, or a CorruptEvent if its bytes are not JSON. */
export const toStoredRow = (e: EsdbRecorded): E.Either<CorruptEvent, StoredRow> => {
  const revision = Number(e.revision);
  const position = e.position === undefined ? Checkpoint.start : toCheckpoint(e.position);
  const data = parsed(e.data);
  if (E.isLeft(data)) return E.left(corruptEvent(e.streamId, revision, position, `data: ${data.left}`));
  const meta = parsed(e.metadata);
  if (E.isLeft(meta)) return E.left(corruptEvent(e.streamId, revision, position, `metadata: ${meta.left}`));
  const env = isEnvelope(meta.right) ? meta.right : undefined;
  return E.right({
    id: env?.takeoverId ?? e.id,
    streamId: e.streamId,
    revision,
    position,
    recordedAt: e.created,
    type: e.type,
    data: data.right,
    metadata: env === undefined ? meta.right : env.metadata,
    parsed: true,
  });
};

/** Streams the global order never shows: system streams and this adapter's checkpoint streams. */
export const CHECKPOINT_STREAM_PREFIX = 'takeover-checkpoint-';
export const isHidden = (streamId: string, type: string): boolean =>
  streamId.startsWith('$') || type.startsWith('$') || streamId.startsWith(CHECKPOINT_STREAM_PREFIX);
