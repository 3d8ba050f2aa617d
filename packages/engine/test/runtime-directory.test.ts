// docs/integrating.md, "Add directories at runtime": `connectors` given as a function is asked on
// each use, so a directory an admin configures while the engine runs (its connector built then,
// `ConnectDirectory` sent through `runDirectory`) is pushed to without a restart, and the directories
// the engine started with go on as before (R3: the password goes there at the next login).
import type { DirectoryConnector } from '@takeover/connector-kit';
import { externalUserId } from '@takeover/connector-kit';
import { inMemoryDirectory } from '@takeover/connector-kit/testing';
import type { ConformanceFixture } from '@takeover/connector-kit/testing';
import type { DirectoryId } from '@takeover/core';
import { commandId, directoryId, isoTime } from '@takeover/core';
import { GOOGLE, M365, PASSWORD, activeAdaBound, bindingsOf, cmd, world } from './world.js';
import type { World } from './world.js';

const FABRIKAM = directoryId('fabrikam');
let w: World | undefined;
let added: ConformanceFixture | undefined;
afterEach(async () => {
  await w?.close();
  await added?.close();
  w = added = undefined;
});

test('a directory connected while the engine runs, through the connectors function, is pushed to at the next login (R3)', async () => {
  const runtime = new Map<DirectoryId, DirectoryConnector>();
  const connectors = (id: DirectoryId): DirectoryConnector | undefined =>
    id === GOOGLE ? w?.connectors.google : id === M365 ? w?.connectors.m365 : runtime.get(id);
  w = await world({ connectors });
  const { u } = await activeAdaBound(w);
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  const started = w.pushCalls();

  // Not configured yet: binding to it is refused, and nothing is pushed anywhere.
  const early = await w.tryRun(cmd.bind(u, FABRIKAM, 'ada@fabrikam.com'));
  expect(early._tag).toBe('Left');

  // An admin configures it: the host builds its connector, then connects it through the running engine.
  added = inMemoryDirectory({ emailDomain: 'fabrikam.com' });
  const key = await added.target.seedUser({
    primaryEmail: 'ada@fabrikam.com',
    givenName: 'Ada',
    familyName: 'Lovelace',
    password: 'Old-1!',
  });
  runtime.set(FABRIKAM, added.connector);
  const connected = await w.engine.runDirectory({
    type: 'ConnectDirectory',
    commandId: commandId('connect-fabrikam'),
    directoryId: FABRIKAM,
    at: isoTime(new Date().toISOString()),
    kind: 'microsoft-entra',
    displayName: 'Microsoft 365',
    domain: 'fabrikam.com',
  });
  expect(connected._tag).toBe('Right');

  await w.run(cmd.bind(u, FABRIKAM, key));
  await w.engine.idle();
  expect(await added.target.passwordMatches(externalUserId(key), PASSWORD)).toBe(false); // R3: not before the login
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(await added.target.passwordMatches(externalUserId(key), PASSWORD)).toBe(true);
  expect((await bindingsOf(w.store, u))[FABRIKAM]?.takeoverComplete).toBe(true);
  // The directories it started with: nothing owed there, nothing pushed (R5).
  expect(w.pushCalls()).toEqual(started);
});
