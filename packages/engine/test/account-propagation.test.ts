// An account action right after the account was linked: the directory may not know it yet (Entra's
// replication lag answers "does not exist"). Within the propagation window that answer is retried,
// as a push's is; after it, a not-found is final.
import { externalUserId, permanent } from '@takeover/connector-kit';
import type { EngineOptions } from '@takeover/engine';
import { GOOGLE, PASSWORD, ada, cmd, uid, world } from './world.js';

const notYet = permanent('not-found', { status: 404, code: 'Request_ResourceNotFound', message: "Resource 'x' does not exist" });

/** Ada bound to Google by key, then suspended while the directory answers "not found" `failures` times. */
const suspendWhileNotFound = async (failures: number, options: Partial<EngineOptions> = {}) => {
  const w = await world(options);
  const ext = await w.seedAccounts(ada);
  const u = uid('ada');
  await w.run(cmd.createActive(u, ada, PASSWORD));
  await w.run(cmd.bind(u, GOOGLE, ext.google));
  await w.engine.idle();
  w.connectors.google.failNext(failures, notYet);
  await w.run(cmd.suspend(u));
  await w.engine.idle();
  const events = await w.store.readStream(`user-${u}`)();
  const recorded = (events._tag === 'Right' ? events.right : [])
    .map((e) => (e.event as { type: string }).type)
    .filter((t) => t.startsWith('ExternalAccount') && t !== 'ExternalAccountLinked');
  const outcome = {
    suspended: await w.google.target.isSuspended(externalUserId(ext.google)),
    attempts: w.connectors.google.calls().filter((c) => c.op === 'suspend').length,
    recorded,
  };
  await w.close();
  return outcome;
};

test('a suspension answered "not found" moments after the link is retried, and the account ends suspended', async () => {
  expect(await suspendWhileNotFound(2)).toEqual({ suspended: true, attempts: 3, recorded: ['ExternalAccountSuspended'] });
});

test('past the propagation window, "not found" is final: recorded as failed and not retried', async () => {
  expect(await suspendWhileNotFound(1, { propagationWindowMs: 0 })).toEqual({
    suspended: false,
    attempts: 1,
    recorded: ['ExternalAccountActionFailed'],
  });
});
