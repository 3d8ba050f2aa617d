import { handleUserCommand, inMemoryUserList, runReadModels } from '@takeover/engine';
import type { EventStore } from '@takeover/event-store';
import { inMemoryEventStore } from '@takeover/event-store';
import { GOOGLE, M365, PASSWORD, ada, cmd, uid, world } from './world.js';

// A store that counts global reads, to show a start with an owed-work source reads no history.
const counting = (inner: EventStore) => {
  let readAlls = 0;
  const store: EventStore = {
    ...inner,
    readAll: (o) => {
      readAlls++;
      return inner.readAll(o);
    },
  };
  return { store, readAlls: () => readAlls };
};

test('restart: settleAll with an owed-work source settles only the users it names (R1 binding emails sent) and reads no history', async () => {
  const counted = counting(inMemoryEventStore());
  const w = await world({ store: counted.store });
  const ext = await w.seedAccounts(ada);
  const u = uid('ada');
  const options = { store: w.store, context: {} };
  // Decided and appended, then the instance "stopped" before dispatching anything.
  await handleUserCommand(options, cmd.createActive(u, ada, PASSWORD))();
  await handleUserCommand(options, cmd.bind(u, GOOGLE))();
  await handleUserCommand(options, cmd.bind(u, M365, ext.m365))();
  // Bob owes nothing: he is never looked at.
  await handleUserCommand(options, cmd.createActive(uid('bob'), { ...ada, email: 'bob@example.com', givenName: 'Bob' }, PASSWORD))();
  const list = inMemoryUserList();
  const running = runReadModels(w.store, [list], { pollIntervalMs: 10 });
  await running.catchUp();
  await running.stop();
  expect(w.outbox.sent()).toHaveLength(0);

  const before = counted.readAlls();
  const restarted = w.newEngine({ owedWork: list });
  expect(await restarted.settleAll()).toBe(1);
  await restarted.idle();
  expect(counted.readAlls()).toBe(before);
  expect(w.outbox.sent()).toHaveLength(2);
  expect(w.pushCalls()).toEqual({ google: 0, m365: 0 });
  // Without a source, the fallback scans every user stream.
  const fallback = w.newEngine();
  expect(await fallback.settleAll()).toBe(2);
  expect(counted.readAlls()).toBeGreaterThan(before);
  await fallback.close();
  await restarted.close();
  await w.close();
});
