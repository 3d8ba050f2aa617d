import type { DirectoryEvent, UserEvent } from '@takeover/core';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent } from '@takeover/core';
import type { EventDecoder, RecordedEvent } from '@takeover/event-store';

/** Every event of the two kinds of stream, as the read models see them. */
export type AnyEvent = UserEvent | DirectoryEvent;
export type Recorded = RecordedEvent<AnyEvent>;

/** The engine's bookkeeping in the same store, not domain events: the mail outbox, the external-change sweep's cursor. */
const BOOKKEEPING: ReadonlySet<string> = new Set(['MailQueued', 'ExternalChangeSweepCheckpointed']);

/** Core's events; the engine's bookkeeping events (`MailQueued`, `ExternalChangeSweepCheckpointed`) read as `null`. */
export const anyEventDecoder: EventDecoder<AnyEvent | null> = {
  decode: (raw) => (BOOKKEEPING.has(raw.type) ? E.right(null) : decodeEvent(raw)),
};

/**
 * A read model: fed each batch of the global order (at least once: `apply` must tolerate a batch
 * it has seen, which these do by keying on event ids), queried by the host. The in-memory ones here
 * keep their state in Maps; a host that persists one implements the same `apply` over its tables and
 * stores the checkpoint in the same transaction (`handlerManagedCheckpoints`).
 */
export interface ReadModel {
  readonly apply: (events: ReadonlyArray<Recorded>) => void;
}
