import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { directoryEventCodecs } from '../directory/events.js';
import type { DirectoryEvent } from '../directory/events.js';
import { userEventCodecs } from '../user/events.js';
import type { UserEvent } from '../user/events.js';
import type { FieldProblem } from './report.js';
import { describeProblems, problemsOf } from './report.js';

/** A stored event as it comes out of a store, before decoding. */
export interface RawEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Where a stored event sits, so a decode failure can say which one (design.md §2: never a silent skip). */
export interface EventOrigin {
  readonly stream: string;
  readonly position: string | number | bigint;
}

export interface DecodeError {
  readonly _tag: 'DecodeError';
  readonly eventType: string;
  readonly problems: ReadonlyArray<FieldProblem>;
  readonly origin?: EventOrigin;
  readonly message: string;
}

/** Rewrites a raw event of schema version `n` into version `n + 1` (type renames included). */
export type Upcaster = (raw: RawEvent) => RawEvent;

/** Per event type, per source version: `{ PasswordSet: { 1: v1ToV2 } }`. */
export type Upcasters = Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;

/** No event has changed shape yet; this is where the first upcaster goes. */
export const upcasters: Upcasters = {};

/**
 * Any event's codec, as {@link eventDecoder} takes them: an io-ts codec that names its event type
 * and schema version (what `eventCodec` makes).
 */
export type AnyEventCodec = t.Mixed & { readonly eventType: string; readonly schemaVersion: number };

const failure = (eventType: string, problems: ReadonlyArray<FieldProblem>, origin: EventOrigin | undefined): DecodeError => {
  const where = origin === undefined ? '' : ` (stream ${origin.stream}, position ${String(origin.position)})`;
  return {
    _tag: 'DecodeError',
    eventType,
    problems,
    ...(origin === undefined ? {} : { origin }),
    message: `Cannot decode ${eventType}${where}: ${describeProblems(problems)}`,
  };
};

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** A decoder for the given event codecs and upcasters. */
export const eventDecoder = <Ev>(codecs: ReadonlyArray<AnyEventCodec>, ups: Upcasters = upcasters) => {
  const byType = new Map(codecs.map((c) => [c.eventType, c]));
  return (raw: unknown, origin?: EventOrigin): Either<DecodeError, Ev> => {
    if (!isRecord(raw) || typeof raw.type !== 'string')
      return E.left(
        failure(
          'event',
          [{ path: 'type', message: `expected an event type name, got ${isRecord(raw) ? JSON.stringify(raw.type) : typeof raw}` }],
          origin,
        ),
      );
    const codec = byType.get(raw.type);
    if (codec === undefined)
      return E.left(failure(raw.type, [{ path: 'type', message: `unknown event type ${JSON.stringify(raw.type)}` }], origin));
    let event: RawEvent = { type: raw.type, data: raw.data, ...(isRecord(raw.metadata) ? { metadata: raw.metadata } : {}) };
    const stored = event.metadata?.schemaVersion;
    const initial = typeof stored === 'number' ? stored : 1;
    let version = initial;
    if (version > codec.schemaVersion)
      return E.left(
        failure(
          raw.type,
          [
            {
              path: `${raw.type}.metadata.schemaVersion`,
              message: `version ${version} was written by a newer Takeover (this one reads up to ${codec.schemaVersion})`,
            },
          ],
          origin,
        ),
      );
    while (version < codec.schemaVersion) {
      const up = ups[codec.eventType]?.[version];
      if (up === undefined)
        return E.left(
          failure(raw.type, [{ path: `${raw.type}.metadata.schemaVersion`, message: `no upcaster from version ${version}` }], origin),
        );
      event = up(event);
      version += 1;
    }
    if (version !== initial) event = { ...event, metadata: { ...event.metadata, schemaVersion: version } };
    const decoded = codec.decode(event);
    return E.isRight(decoded) ? E.right(decoded.right as Ev) : E.left(failure(raw.type, problemsOf(decoded.left, raw.type), origin));
  };
};

export const decodeUserEvent = eventDecoder<UserEvent>(userEventCodecs);
export const decodeDirectoryEvent = eventDecoder<DirectoryEvent>(directoryEventCodecs);

/** Decodes any Takeover event (user or directory stream). */
export const decodeEvent = eventDecoder<UserEvent | DirectoryEvent>([...userEventCodecs, ...directoryEventCodecs]);
