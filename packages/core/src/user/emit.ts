import { metadataFor } from '../codec/event.js';
import type { UserCommand } from './commands.js';
import type { UserEvent } from './events.js';
import { userEventCodecs } from './events.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as `decide` builds it, before metadata. */
export type UserEventDraft = DistributiveOmit<UserEvent, 'metadata'>;

const schemaVersions: Readonly<Record<string, number>> = Object.fromEntries(userEventCodecs.map((c) => [c.eventType, c.schemaVersion]));

/** Adds deterministic metadata: ids derived from the command id, the current schema version, causation and correlation. */
export const emit = (command: UserCommand, drafts: ReadonlyArray<UserEventDraft>): ReadonlyArray<UserEvent> =>
  drafts.map((draft, i) => {
    const metadata = {
      ...metadataFor(command.commandId, i, schemaVersions[draft.type] ?? 1),
      ...(command.correlationId === undefined ? {} : { correlationId: command.correlationId }),
    };
    return { ...draft, metadata };
  });
