import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { userId } from '@takeover/core';
import { inMemoryEventStore } from '@takeover/event-store';
import { activationMail, bindingMail, smtpMailer, storeOutbox } from '@takeover/engine';
import { fileOutbox } from '@takeover/engine/testing';
import type { Mail } from '@takeover/engine';

const settings = { platformName: 'Acme <Portal>', portalUrl: 'https://portal.acme.example/login?a=1&b=2' };
const ada = { email: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace' };
const mail: Mail = {
  id: 'notice/binding/ada/google/1',
  to: 'ada@example.com',
  ...bindingMail(settings, ada, { displayName: 'Google Workspace', domain: 'example.com' }),
};

test('R1 binding email names the directory and asks for a portal login; HTML is escaped', () => {
  expect(mail.subject).toBe('Log in to Acme <Portal> to finish connecting Google Workspace (example.com)');
  expect(mail.text).toContain(
    'log in to Acme <Portal> once with your Acme <Portal> password (the one you set from your activation email, or the one your administrator gave you)',
  );
  expect(mail.text).not.toContain('usual password');
  expect(mail.html).toContain('Acme &lt;Portal&gt;');
  expect(mail.html).toContain('href="https://portal.acme.example/login?a=1&amp;b=2"');
});

test('R2 activation email lists the connected directories', () => {
  const m = activationMail(settings, ada, [
    { displayName: 'Google Workspace', domain: 'example.com' },
    { displayName: 'Microsoft 365', domain: 'contoso.com' },
  ]);
  expect(m.text).toContain('Google Workspace (example.com) and Microsoft 365 (contoso.com)');
  expect(m.text).not.toContain('expires');
});

test('R2 activation email says when its link expires, when the host says how long it works', () => {
  const m = activationMail({ ...settings, activationLinkValidFor: '7 days' }, ada, [
    { displayName: 'Google Workspace', domain: 'example.com' },
  ]);
  expect(m.text).toContain('The link works once and expires 7 days after this email was sent.');
  expect(m.html).toContain('expires 7 days after this email was sent');
});

test("R2 activation email links to the host's activation URL for that user when `activationUrl` is set", () => {
  const withLink = {
    ...settings,
    activationUrl: (u: { readonly userId: string; readonly email: string }) =>
      `https://portal.acme.example/activate?token=t-${u.userId}&to=${u.email}`,
  };
  const m = activationMail(withLink, ada, [], userId('ada-1'));
  expect(m.text).toContain('Activate: https://portal.acme.example/activate?token=t-ada-1&to=ada@example.com');
  expect(m.html).toContain('href="https://portal.acme.example/activate?token=t-ada-1&amp;to=ada@example.com"');
  expect(activationMail(withLink, ada, []).text).toContain(`Activate: ${settings.portalUrl}`);
  expect(activationMail(settings, ada, [], userId('ada-1')).text).toContain(`Activate: ${settings.portalUrl}`);
});

test('SMTP through nodemailer: a Message-ID derived from the notice id (same notice, same id)', async () => {
  const transport = nodemailer.createTransport({ jsonTransport: true });
  const sent: string[] = [];
  const spy = {
    sendMail: async (m: Parameters<typeof transport.sendMail>[0]) => {
      const info = await transport.sendMail(m);
      sent.push(String(info.message));
      return info;
    },
  };
  const mailer = smtpMailer({ transport: spy, from: '"Acme Portal" <no-reply@acme.example>' });
  expect((await mailer.send(mail)())._tag).toBe('Right');
  expect((await mailer.send(mail)())._tag).toBe('Right');
  const parsed = sent.map((s) => JSON.parse(s) as { messageId: string; subject: string; to: Array<{ address: string }>; html: string });
  expect(parsed[0]?.messageId).toMatch(/^<[0-9a-f]{32}@acme\.example>$/);
  expect(parsed[1]?.messageId).toBe(parsed[0]?.messageId);
  expect(parsed[0]?.to[0]?.address).toBe('ada@example.com');
});

test('SMTP failures are values naming the code, never the body', async () => {
  const mailer = smtpMailer({
    transport: { sendMail: () => Promise.reject(Object.assign(new Error('secret body'), { code: 'ECONNREFUSED' })) },
    from: 'no-reply@acme.example',
  });
  expect(await mailer.send(mail)()).toEqual({ _tag: 'Left', left: { _tag: 'MailFailed', message: 'SMTP: ECONNREFUSED' } });
});

test('outboxes keep each notice once: in the event store, and in a file', async () => {
  const store = inMemoryEventStore();
  const outbox = storeOutbox(store);
  await outbox.send(mail)();
  await outbox.send(mail)();
  const rows = await store.readStream('mail-outbox')();
  expect(rows._tag === 'Right' ? rows.right.length : -1).toBe(1);

  const path = join(await mkdtemp(join(tmpdir(), 'engine-mail-')), 'outbox.jsonl');
  await fileOutbox(path).send(mail)();
  await fileOutbox(path).send(mail)(); // a new process reading the same file
  const lines = (await readFile(path, 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(1);
  expect((JSON.parse(lines[0] ?? '{}') as Mail).id).toBe(mail.id);
});
