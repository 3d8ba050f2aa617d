import * as t from 'io-ts';
import type { CommandId } from '../ids.js';
import { EventId, eventIdFor } from '../ids.js';

/**
 * Every event is `{ type, data, metadata? }`: past-tense `type`, plain JSON `data` (never a secret),
 * and `metadata` the store carries alongside. `metadata.schemaVersion` says which shape `data` has;
 * a stored event with an older version goes through the upcasters (`upcast.ts`) before decoding.
 */
export const EventMetadata = t.partial(
  {
    eventId: EventId,
    schemaVersion: t.number,
    /** The command that decided this event. */
    causationId: t.string,
    /** The flow it belongs to (e.g. the login whose plaintext carried a push). */
    correlationId: t.string,
  },
  'metadata',
);
export type EventMetadata = t.TypeOf<typeof EventMetadata>;

export interface EventCodec<T extends string, D extends t.Mixed> extends t.Type<
  { type: T; data: t.TypeOf<D>; metadata?: EventMetadata },
  { type: T; data: t.OutputOf<D>; metadata?: t.OutputOf<typeof EventMetadata> },
  unknown
> {
  readonly eventType: T;
  readonly schemaVersion: number;
}

/** One codec per event type; the TS type of the event is derived from it. */
export const eventCodec = <T extends string, D extends t.Mixed>(type: T, data: D, schemaVersion = 1): EventCodec<T, D> =>
  Object.assign(t.intersection([t.type({ type: t.literal(type), data }), t.partial({ metadata: EventMetadata })], type), {
    eventType: type,
    schemaVersion,
  });

/** The metadata `decide` puts on the `index`-th event of a command: deterministic ids, current schema. */
export const metadataFor = (command: CommandId, index: number, schemaVersion: number): EventMetadata => ({
  eventId: eventIdFor(command, index),
  schemaVersion,
  causationId: command,
});
