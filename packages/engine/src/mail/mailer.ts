import type { TaskEither } from 'fp-ts/lib/TaskEither.js';

/** One email. `id` is the notice's deterministic id: adapters use it to send each notice once (R15). */
export interface Mail {
  readonly id: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface MailFailed {
  readonly _tag: 'MailFailed';
  /** Why, in prose, without the mail's body (`message`: prose; a `reason` is a code elsewhere). */
  readonly message: string;
}

export const mailFailed = (message: string): MailFailed => ({ _tag: 'MailFailed', message });

/** The mail port. Sending the same `id` twice must not deliver twice where the adapter can tell. */
export interface Mailer {
  readonly send: (mail: Mail) => TaskEither<MailFailed, void>;
}
