// engine.run / runDirectory: the Promise entry point for callers without fp-ts (issue 16).
import { Secret, commandId, directoryId, isoTime, userId } from '@takeover/core';
import type { UserCommand } from '@takeover/core';
import { inMemoryDirectory } from '@takeover/connector-kit/testing';
import { inMemoryEventStore } from '@takeover/event-store';
import { createEngine, inMemoryOutbox } from '@takeover/engine';

const at = isoTime('2026-11-28T09:00:00Z');
const ada = userId('ada');
const gws = directoryId('gws');
const create: UserCommand = {
  type: 'CreateUser',
  commandId: commandId('create-ada'),
  userId: ada,
  at,
  state: 'active',
  by: { role: 'admin' },
  attributes: { email: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace' },
};

const setup = () => {
  const store = inMemoryEventStore();
  const google = inMemoryDirectory({ emailDomain: 'example.com' });
  const engine = createEngine({
    store,
    connectors: { [gws]: google.connector },
    mailer: inMemoryOutbox(),
    mail: { platformName: 'Acme Portal', portalUrl: 'https://portal.acme.example' },
  });
  return { store, engine };
};

test('run resolves with Right(the appended events), and a refusal is a Left value, not a rejection', async () => {
  const { engine } = setup();
  const created = await engine.run(create);
  expect(created._tag === 'Right' && created.right.events.map((e) => e.type)).toEqual(['UserCreated']);
  const refused = await engine.run({
    type: 'LogIn',
    commandId: commandId('login-bob'),
    userId: userId('bob'),
    at,
    password: Secret.of('Tr0ub4dor&3-horse'),
  });
  expect(refused).toMatchObject({ _tag: 'Left', left: { _tag: 'Rejected', error: { _tag: 'UserNotFound' } } });
  await engine.close();
});

test('run and execute are the same work: execute(cmd) is a task that does nothing until it is called', async () => {
  const { store, engine } = setup();
  const task = engine.execute(create);
  const before = await store.readStream('user-ada')();
  expect(before._tag === 'Right' && before.right.length).toBe(0);
  const viaTask = await task();
  expect(viaTask._tag === 'Right' && viaTask.right.events.map((e) => e.type)).toEqual(['UserCreated']);
  const viaRun = await engine.run(create); // the same command id: nothing appended twice
  expect(viaRun._tag === 'Right' && viaRun.right.events).toEqual([]);
  await engine.close();
});

test('parallel duplicates of one command through run: one UserCreated, every caller sees Right', async () => {
  const { store, engine } = setup();
  const results = await Promise.all(Array.from({ length: 8 }, () => engine.run(create)));
  expect(results.every((r) => r._tag === 'Right')).toBe(true);
  const rows = await store.readStream('user-ada')();
  expect(rows._tag === 'Right' && rows.right.map((r) => r.event.type)).toEqual(['UserCreated']);
  await engine.close();
});

test('runDirectory: parallel duplicates of ConnectDirectory connect it once', async () => {
  const { store, engine } = setup();
  const connect = () =>
    engine.runDirectory({
      type: 'ConnectDirectory',
      commandId: commandId('connect-gws'),
      directoryId: gws,
      at,
      kind: 'google-workspace',
      displayName: 'Google Workspace',
      domain: 'example.com',
    });
  const results = await Promise.all(Array.from({ length: 6 }, connect));
  expect(results.every((r) => r._tag === 'Right')).toBe(true);
  const rows = await store.readStream('directory-gws')();
  expect(rows._tag === 'Right' && rows.right.map((r) => r.event.type)).toEqual(['DirectoryConnected']);
  await engine.close();
});
