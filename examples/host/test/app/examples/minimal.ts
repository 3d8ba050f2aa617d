import * as E from 'fp-ts/lib/Either.js';
import { Secret } from '@takeover/core';
import { GOOGLE, MICROSOFT, createHostApp, describeConfigErrors, loadConfig } from '@takeover/example-host';

/** The host's application layer without HTTP: create a user bound to both demo directories, log in, read the notifications. */
export const minimal = async (dataDir: string): Promise<ReadonlyArray<string>> => {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }); // the same variables as `npm start`
  if (E.isLeft(config)) throw new Error(describeConfigErrors(config.left));
  const app = await createHostApp(config.right); // SQLite under dataDir, both emulators, the mail outbox
  try {
    const by = { kind: 'admin', id: 'readme' } as const;
    const created = await app.admin.createUser(by, {
      email: 'ada@example.com',
      givenName: 'Ada',
      familyName: 'Lovelace',
      state: 'active',
      password: Secret.of('Correct-Horse-2024!'),
      directories: [GOOGLE, MICROSOFT],
    });
    if (E.isLeft(created)) throw new Error(created.left.kind);
    const login = await app.portal.login('ada@example.com', Secret.of('Correct-Horse-2024!'), '127.0.0.1');
    if (E.isLeft(login)) throw new Error(login.left.kind);
    // The login carried the password to both directories; each push leaves a notification.
    for (let i = 0; i < 100; i++) {
      const { items } = await app.portal.notifications(created.right.id);
      if (items.length === 2) return items.map((n) => n.message).sort();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('no notifications');
  } finally {
    await app.close();
  }
};
