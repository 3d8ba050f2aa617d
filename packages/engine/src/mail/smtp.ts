import { createHash } from 'node:crypto';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { Mailer } from './mailer.js';
import { mailFailed } from './mailer.js';

/** The one method used of a nodemailer `Transporter`, stated structurally so that the engine needs
 *  neither nodemailer nor its types: the host that sends mail owns nodemailer. */
export interface SmtpTransport {
  sendMail(message: {
    readonly from: string;
    readonly to: string;
    readonly subject: string;
    readonly text: string;
    readonly html: string;
    readonly messageId: string;
  }): Promise<unknown>;
}

export interface SmtpMailerOptions {
  /** A nodemailer transport the host built (`nodemailer.createTransport({ host, port, auth })`). */
  readonly transport: SmtpTransport;
  /** The sender: `"Acme Portal" <no-reply@acme.example>`. */
  readonly from: string;
  /** The right-hand side of Message-IDs (default the sender's domain). */
  readonly messageIdDomain?: string;
}

/**
 * SMTP through nodemailer. The Message-ID derives from the notice id, so a mail resent after a crash
 * between "sent" and "recorded" is recognisable as the same message by the receiving side.
 */
export const smtpMailer = (options: SmtpMailerOptions): Mailer => {
  const domain = options.messageIdDomain ?? /@([^>\s]+)/.exec(options.from)?.[1] ?? 'takeover.invalid';
  return {
    send: (mail) =>
      TE.tryCatch(
        async () => {
          const digest = createHash('sha256').update(mail.id).digest('hex').slice(0, 32);
          await options.transport.sendMail({
            from: options.from,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            messageId: `<${digest}@${domain}>`,
          });
        },
        (e) =>
          mailFailed(
            `SMTP: ${(e as { code?: string; responseCode?: number }).code ?? 'error'}${(e as { responseCode?: number }).responseCode === undefined ? '' : ` ${(e as { responseCode?: number }).responseCode}`}`,
          ),
      ),
  };
};
