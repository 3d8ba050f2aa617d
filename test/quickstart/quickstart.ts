// The top-level README's quick start: the smallest real program. The packaging check
// (scripts/pack-check.sh) compiles and runs this file from the packed tarballs.
// #region quickstart
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { Secret, commandId, directoryId, isoTime, userId } from '@takeover/core';
import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import { googleDirectoryClient, googleWorkspaceConnector, serviceAccountKeyFromJson } from '@takeover/connector-google-workspace';
import { startGoogleEmulator } from '@takeover/directory-emulators';
import { createEngine, inMemoryOutbox, portalNotifications, runReadModels } from '@takeover/engine';

// A local Google Workspace (swap in your tenant's key file, admin and domain).
const google = await startGoogleEmulator();
// Errors are values (tagged, never holding a secret); this program gives up on the first one.
const orThrow = <E, A>(result: Either<E, A>): A => {
  if (isLeft(result)) throw new Error(JSON.stringify(result.left));
  return result.right;
};
const key = orThrow(serviceAccountKeyFromJson(JSON.stringify(google.credentials)));
const { directory, access } = googleDirectoryClient({
  credentials: key,
  subject: google.adminEmail,
  rootUrl: google.url,
  tokenUrl: google.tokenUrl,
});
const gws = directoryId('gws');

// The embedded event store, the engine and one read model.
const store = orThrow(await openSqliteEventStore({ path: join(mkdtempSync(join(tmpdir(), 'takeover-')), 'events.db') })());
const engine = createEngine({
  store: store,
  connectors: { [gws]: googleWorkspaceConnector({ directory, access, domain: 'example.com', timeoutMs: 10_000 }) },
  mailer: inMemoryOutbox(),
  mail: { platformName: 'Acme Portal', portalUrl: 'https://portal.acme.example' },
});
const notifications = portalNotifications();
const readModels = runReadModels(store, [notifications]);

const at = () => isoTime(new Date().toISOString());
const ada = userId('ada');

// Connect the directory, create Ada and bind her: her account is created there, nothing is pushed.
orThrow(
  await engine.runDirectory({
    type: 'ConnectDirectory',
    commandId: commandId('connect-gws'),
    directoryId: gws,
    at: at(),
    kind: 'google-workspace',
    displayName: 'Google Workspace',
    domain: 'example.com',
  }),
);
orThrow(
  await engine.run({
    type: 'CreateUser',
    commandId: commandId('create-ada'),
    userId: ada,
    at: at(),
    state: 'active',
    by: { role: 'admin' },
    attributes: { email: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace' },
  }),
);
orThrow(
  await engine.run({
    type: 'BindDirectory',
    commandId: commandId('bind-ada-gws'),
    userId: ada,
    at: at(),
    directoryId: gws,
    by: { role: 'admin' },
  }),
);
await engine.idle();

// Ada activates her account in the portal, then logs in: the portal verified the password first.
const password = Secret.of('Tr0ub4dor&3-horse');
orThrow(
  await engine.run({
    type: 'SetPassword',
    commandId: commandId('activate-ada'),
    userId: ada,
    at: at(),
    password,
    by: { role: 'user', via: 'activation' },
  }),
);
orThrow(await engine.run({ type: 'LogIn', commandId: commandId('login-ada-1'), userId: ada, at: at(), password }));
await engine.whenSettled(ada); // the push runs behind the login

await readModels.catchUp();
console.log((await notifications.forUser(ada)).map((n) => n.message).join('\n'));
// Your password was updated in Google Workspace (example.com).

await readModels.stop();
await engine.close();
await store.close();
await google.close();
// #endregion quickstart
