// A real user's history, recorded once through the engine (in-memory store, the connector kit's
// in-memory directories) and then copied: for the rebuild benchmark (one user, many rounds) and the
// memory benchmark (many users, one round each). Every id the history carries (command, event,
// lease, notice and push ids, emails) contains the user id, so a copy for another user is the same
// JSON with the user id renamed.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { UserId } from '@takeover/core';
import { inMemoryDirectory } from '@takeover/connector-kit/testing';
import { createEngine, inMemoryOutbox } from '@takeover/engine';
import type { RawEvent, RecordedEvent } from '@takeover/event-store';
import { inMemoryEventStore } from '@takeover/event-store';
import { GOOGLE, M365, MAIL, cmd, connectDirectories, run } from './common.js';

const PASSWORD = 'History-Password-1!bench';

export interface RecordedHistory {
  /** The two `DirectoryConnected` events (streams `directory-google`, `directory-m365`). */
  readonly directoryEvents: ReadonlyArray<RecordedEvent>;
  /** The user's stream, in order. */
  readonly userEvents: ReadonlyArray<RecordedEvent>;
  /** Where each round (after the first login's) starts in `userEvents`. */
  readonly roundStarts: ReadonlyArray<number>;
}

/**
 * The user is created (active, with a password), bound to two directories, logs in, and both pushes
 * succeed; then `rounds` times an admin changes the given name and the user logs in again (one
 * `AttributesChanged`, one `PortalLogin`, and a started and a succeeded push per directory).
 */
export const recordHistory = async (user: UserId, rounds: number): Promise<RecordedHistory> => {
  const store = inMemoryEventStore();
  const google = inMemoryDirectory({ emailDomain: 'example.com' });
  const m365 = inMemoryDirectory({ emailDomain: 'contoso.com' });
  const fast = { ratePerSecond: 10_000, maxInFlight: 8 };
  const engine = createEngine({
    store,
    connectors: { [GOOGLE]: google.connector, [M365]: m365.connector },
    mailer: inMemoryOutbox(),
    mail: MAIL,
    ids: { next: () => `${user}-${randomUUID()}` },
    pacing: { 'in-memory': fast, 'google-workspace': fast, 'microsoft-entra': fast },
  });
  try {
    await connectDirectories(engine);
    const g = await google.target.seedUser({
      primaryEmail: `${user}@example.com`,
      givenName: 'Hist',
      familyName: user,
      password: 'Old-Password-1!',
    });
    const m = await m365.target.seedUser({
      primaryEmail: `${user}@contoso.com`,
      givenName: 'Hist',
      familyName: user,
      password: 'Old-Password-1!',
    });
    await run(engine, cmd.createActive(user, { email: `${user}@example.com`, givenName: 'Hist', familyName: user }, PASSWORD));
    await run(engine, cmd.bind(user, GOOGLE, g));
    await run(engine, cmd.bind(user, M365, m));
    await engine.idle();
    await run(engine, cmd.logIn(user, PASSWORD));
    await engine.whenSettled(user);
    const roundStarts: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const before = await store.readStream(`user-${user}`)();
      if (E.isLeft(before)) throw new Error(`history: cannot read user-${user} (${before.left._tag})`);
      roundStarts.push(before.right.length);
      await run(engine, cmd.changeName(user, `Hist${r}`));
      await run(engine, cmd.logIn(user, PASSWORD));
      await engine.whenSettled(user);
    }
    const all = await store.readAll({ maxCount: 100_000 })();
    if (E.isLeft(all)) throw new Error(`history: cannot read the store (${all.left._tag})`);
    return {
      directoryEvents: all.right.events.filter((e) => e.streamId.startsWith('directory-')),
      userEvents: all.right.events.filter((e) => e.streamId === `user-${user}`),
      roundStarts,
    };
  } finally {
    await engine.close();
    await google.close();
    await m365.close();
  }
};

/** The raw stored shape of one event, as a store hands it to a decoder. */
export const rawOf = (e: RecordedEvent): RawEvent => ({ type: e.event.type, data: e.event.data, metadata: e.event.metadata });
