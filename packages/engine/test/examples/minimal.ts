import { isLeft } from 'fp-ts/lib/Either.js';
import { Secret, commandId, directoryId, isoTime, userId } from '@takeover/core';
import { inMemoryDirectory } from '@takeover/connector-kit/testing';
import { inMemoryEventStore } from '@takeover/event-store';
import { createEngine, inMemoryOutbox, portalNotifications, runReadModels } from '@takeover/engine';

export const minimal = async (): Promise<ReadonlyArray<string>> => {
  const store = inMemoryEventStore();
  const google = inMemoryDirectory({ emailDomain: 'example.com' }); // the host passes a real connector here
  const gws = directoryId('gws');
  const engine = createEngine({
    store,
    connectors: { [gws]: google.connector },
    mailer: inMemoryOutbox(),
    mail: { platformName: 'Acme Portal', portalUrl: 'https://portal.acme.example' },
  });
  const notifications = portalNotifications();
  const readModels = runReadModels(store, [notifications]);
  const at = () => isoTime(new Date().toISOString());
  const ada = userId('ada');

  await engine.runDirectory({
    type: 'ConnectDirectory',
    commandId: commandId('c1'),
    directoryId: gws,
    at: at(),
    kind: 'google-workspace',
    displayName: 'Google Workspace',
    domain: 'example.com',
  });
  await engine.run({
    type: 'CreateUser',
    commandId: commandId('c2'),
    userId: ada,
    at: at(),
    state: 'active',
    by: { role: 'admin' },
    attributes: { email: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace' },
    password: Secret.of('Tr0ub4dor&3-horse'),
  });
  await engine.run({ type: 'BindDirectory', commandId: commandId('c3'), userId: ada, at: at(), directoryId: gws, by: { role: 'admin' } });
  await engine.idle(); // the account is found or created, the binding email (R1) is sent

  // The portal verified Ada's password: the login returns once appended; the push runs behind it.
  const login = await engine.run({
    type: 'LogIn',
    commandId: commandId('c4'),
    userId: ada,
    at: at(),
    password: Secret.of('Tr0ub4dor&3-horse'),
  });
  if (isLeft(login)) throw new Error(login.left.message);
  await engine.whenSettled(ada);
  await readModels.catchUp();
  await readModels.stop();
  return (await notifications.forUser(ada)).map((n) => n.message);
  // ['Your password was updated in Google Workspace (example.com).']
};
