// An account action right after the account was linked: the directory may not know it yet (Entra's
// replication lag answers "does not exist"). Within the propagation window that answer is retried,
// as a push's is; after it, a not-found is final.
import { externalUserId, permanent } from '@takeover/connector-kit';
import { GOOGLE, PASSWORD, ada, cmd, uid, world } from './world.js';

const notYet = permanent('not-found', { status: 404, code: 'Request_ResourceNotFound', message: "Resource 'x' does not exist" });

test('a suspension answered "not found" moments after the link is retried, and the account ends suspended', async () => {
  const w = await world();
  const ext = await w.seedAccounts(ada);
  const u = uid('ada');
  await w.run(cmd.createActive(u, ada, PASSWORD));
  await w.run(cmd.bind(u, GOOGLE, ext.google));
  await w.engine.idle();
  w.connectors.google.failNext(2, notYet);
  await w.run(cmd.suspend(u));
  await w.engine.idle();
  expect(await w.google.target.isSuspended(externalUserId(ext.google))).toBe(true);
  expect(w.connectors.google.calls().filter((c) => c.op === 'suspend')).toHaveLength(3);
  const events = await w.store.readStream(`user-${u}`)();
  const types = (events._tag === 'Right' ? events.right : []).map((e) => (e.event as { type: string }).type);
  expect(types.filter((t) => t.startsWith('ExternalAccount') && t !== 'ExternalAccountLinked')).toEqual(['ExternalAccountSuspended']);
  await w.close();
});

test('past the propagation window, "not found" is final: recorded as failed and not retried', async () => {
  const w = await world({ propagationWindowMs: 0 });
  const ext = await w.seedAccounts(ada);
  const u = uid('ada');
  await w.run(cmd.createActive(u, ada, PASSWORD));
  await w.run(cmd.bind(u, GOOGLE, ext.google));
  await w.engine.idle();
  w.connectors.google.failNext(1, notYet);
  await w.run(cmd.suspend(u));
  await w.engine.idle();
  expect(await w.google.target.isSuspended(externalUserId(ext.google))).toBe(false);
  expect(w.connectors.google.calls().filter((c) => c.op === 'suspend')).toHaveLength(1);
  const events = await w.store.readStream(`user-${u}`)();
  const types = (events._tag === 'Right' ? events.right : []).map((e) => (e.event as { type: string }).type);
  expect(types.filter((t) => t.startsWith('ExternalAccount') && t !== 'ExternalAccountLinked')).toEqual(['ExternalAccountActionFailed']);
  await w.close();
});
