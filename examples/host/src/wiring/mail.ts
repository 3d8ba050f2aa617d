// Mail: real SMTP (nodemailer, loaded only then: a start without SMTP_URL does not pay for it) when
// SMTP_URL is set, else the store outbox that /mail shows.
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '@takeover/event-store';
import type { Mail, Mailer } from '@takeover/engine';
import { OUTBOX_STREAM, smtpMailer, storeOutbox } from '@takeover/engine';
import type { IsoTime } from '@takeover/core';
import type { MailConfig } from '../config.js';
import type { CapturedMail } from '../app/hostApp.js';

export interface HostMail {
  readonly mailer: Mailer;
  /** Whether mails are kept in the store outbox (the demo /mail page). */
  readonly captured: boolean;
  readonly close: () => Promise<void>;
}

export const hostMail = async (config: MailConfig, from: string, store: EventStore): Promise<HostMail> => {
  if (config.kind === 'outbox') return { mailer: storeOutbox(store), captured: true, close: () => Promise.resolve() };
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport(config.url);
  return { mailer: smtpMailer({ transport, from }), captured: false, close: () => Promise.resolve(transport.close()) };
};

const isMail = (u: unknown): u is Mail => {
  if (typeof u !== 'object' || u === null) return false;
  const m = u as Record<string, unknown>;
  return ['id', 'to', 'subject', 'text', 'html'].every((k) => typeof m[k] === 'string');
};

/** The outbox stream, newest first; `sentAt` is when the store recorded it. */
export const readOutbox = async (store: EventStore): Promise<ReadonlyArray<CapturedMail>> => {
  const read = await store.readStream(OUTBOX_STREAM, { direction: 'backwards', maxCount: 500 })();
  if (E.isLeft(read)) throw new Error(`cannot read the mail outbox: ${read.left._tag}`);
  return read.right.flatMap((r) => {
    const m = r.event.data;
    return isMail(m)
      ? [{ id: m.id, to: m.to, subject: m.subject, text: m.text, html: m.html, sentAt: r.recordedAt.toISOString() as IsoTime }]
      : [];
  });
};
