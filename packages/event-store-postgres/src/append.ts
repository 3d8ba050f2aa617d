import { serialise, type EventToAppend, type ExpectedVersion } from '@takeover/event-store';

/** The expected version as `append_events` takes it. */
export const expectedCode = (expected: ExpectedVersion): number => {
  switch (expected) {
    case 'no-stream':
      return -1;
    case 'stream-exists':
      return -2;
    case 'any':
      return -3;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`expected version must be >= 0: ${expected}`);
      return expected;
  }
};

/** The batch as four parallel arrays (ids, types, data, metadata). */
export const appendArgs = (events: ReadonlyArray<EventToAppend>): [string[], string[], string[], string[]] => [
  events.map((e) => e.id),
  events.map((e) => e.type),
  events.map((e) => serialise(e.data, 'data')),
  events.map((e) => serialise(e.metadata ?? {}, 'metadata')),
];

/** One event as `append_event` takes it (id, type, data, metadata): no arrays to build or parse. */
export const appendOneArgs = (event: EventToAppend): [string, string, string, string] => [
  event.id,
  event.type,
  serialise(event.data, 'data'),
  serialise(event.metadata ?? {}, 'metadata'),
];

/** `append_events`' result row. */
export interface AppendRow {
  readonly outcome: string;
  readonly version: string | null;
  readonly tx: string | null;
  readonly last_position: string | null;
}

/** `append_event`'s text ('ok <version> <tx> <position>', 'conflict <version|none>', 'duplicate') as `append_events`' row. */
export const appendOneRow = (r: string): AppendRow => {
  const [outcome = '', version, tx, position] = r.split(' ');
  return {
    outcome,
    version: version === undefined || version === 'none' ? null : version,
    tx: tx ?? null,
    last_position: position ?? null,
  };
};
