import { appendFile, readFile } from 'node:fs/promises';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStore } from '@takeover/event-store';
import { isDuplicateEventId } from '@takeover/event-store';
import type { Mail, Mailer } from './mailer.js';
import { mailFailed } from './mailer.js';

export interface InMemoryOutbox extends Mailer {
  readonly sent: () => ReadonlyArray<Mail>;
}

/** Keeps mails in an array, each id once: for tests and for hosts that show mails in a page. */
export const inMemoryOutbox = (): InMemoryOutbox => {
  const mails = new Map<string, Mail>();
  return {
    send: (mail) =>
      TE.fromIO(() => {
        if (!mails.has(mail.id)) mails.set(mail.id, mail);
      }),
    sent: () => [...mails.values()],
  };
};

export const OUTBOX_STREAM = 'mail-outbox';

/**
 * The embedded default: each mail is appended to the `mail-outbox` stream of the event store with
 * the notice id as event id, so a retried or repeated send is stored once; a relay the host runs
 * (or its admin page) reads the stream and delivers.
 */
export const storeOutbox = (store: EventStore, streamId = OUTBOX_STREAM): Mailer => ({
  send: (mail) => async () => {
    const r = await store.appendToStream(streamId, [{ id: mail.id, type: 'MailQueued', data: mail }], { expectedVersion: 'any' })();
    if (r._tag === 'Right' || isDuplicateEventId(r.left)) return { _tag: 'Right', right: undefined };
    return { _tag: 'Left', left: mailFailed(`outbox append failed: ${r.left._tag}`) };
  },
});

/** Appends each mail as one JSON line to `path` (once per id), for a development host without SMTP. */
export const fileOutbox = (path: string): Mailer => {
  const read = async (): Promise<Set<string>> => {
    try {
      const text = await readFile(path, 'utf8');
      return new Set(
        text
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => (JSON.parse(l) as { id: string }).id),
      );
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return new Set();
      throw e;
    }
  };
  let known: Promise<Set<string>> | undefined;
  return {
    send: (mail) =>
      TE.tryCatch(
        async () => {
          known ??= read();
          const ids = await known;
          if (ids.has(mail.id)) return;
          ids.add(mail.id);
          await appendFile(path, `${JSON.stringify(mail)}\n`, 'utf8');
        },
        (e) => mailFailed(`cannot write ${path}: ${(e as { code?: string }).code ?? 'error'}`),
      ),
  };
};
