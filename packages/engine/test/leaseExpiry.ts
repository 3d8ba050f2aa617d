// Issue 13 ("work owed without the plaintext"): an attribute-only push (under `when-changed`) whose
// lease is held by an instance that died mid-push is taken over once the lease expires, by another
// instance, without a command or a login. Two engines on one store, one fake clock; the first
// instance's call to the directory never answers (it died), the second is asked to settle the user
// (what a restarted host's `settleAll` does) while the lease is live, and the clock is moved past it.
import type { DirectoryConnector } from '@takeover/connector-kit';
import { commandId, isoTime, userId } from '@takeover/core';
import type { EventStore } from '@takeover/event-store';
import { M365, PASSWORD, ada, bindingsOf, cmd, world } from './world.js';

const LEASE_MS = 10 * 60_000;

/** A connector whose pushes reach nothing and never answer: the instance died while the call was out. */
const dying = (inner: DirectoryConnector, sent: () => void): DirectoryConnector => ({
  ...inner,
  push: () => () => {
    sent();
    return new Promise(() => undefined);
  },
});

/** The scenario, over the store `open` gives it. */
export const leaseExpiry = (open: () => Promise<EventStore>): void => {
  test('an attribute-only push leased by an instance that died is taken by another once the lease expires: one push lands', async () => {
    let nowMs = Date.now();
    const clock = { now: () => nowMs };
    const w = await world({
      store: await open(),
      clock,
      leaseMs: LEASE_MS,
      // The settles armed again come round quickly (real time); the lease is measured on the fake clock.
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 10 },
      backgroundWindowMs: 50,
    });
    const policy = await w.engine.runDirectory({
      type: 'ChangeDirectoryPolicy',
      commandId: commandId(`when-changed-${String(nowMs)}-${String(Math.random())}`),
      directoryId: M365,
      at: isoTime(new Date(nowMs).toISOString()),
      policy: { passwordPush: 'when-changed' },
    });
    expect(policy._tag).toBe('Right');
    const ext = await w.seedAccounts(ada);
    const u = userId(`lease-${String(nowMs)}-${String(Math.random()).slice(2, 8)}`);
    await w.run(cmd.createActive(u, ada, PASSWORD));
    await w.run(cmd.bind(u, M365, ext.m365));
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    const pushesBefore = w.pushCalls().m365;

    // The first instance takes the attribute-only push's lease and dies with the call out.
    let reachedDirectory!: () => void;
    const out = new Promise<void>((resolve) => {
      reachedDirectory = resolve;
    });
    const dead = w.newEngine({ instanceId: 'dead', connectors: { [M365]: dying(w.connectors.m365, () => reachedDirectory()) } });
    const changed = await dead.run(cmd.change(u, { department: 'Research' }));
    expect(changed._tag).toBe('Right');
    await out;
    expect((await bindingsOf(w.store, u))[M365]?.inFlight?.instance).toBe('dead');

    // Another instance looks at the user while the lease is live: nothing to take yet, but it must come back.
    const other = w.newEngine({ instanceId: 'other' });
    await other.settle(u);
    expect(w.pushCalls().m365).toBe(pushesBefore);
    expect(other.retriesArmed()).toBe(1);

    nowMs += LEASE_MS + 1;
    await other.idle({ retries: true });
    expect(w.pushCalls().m365).toBe(pushesBefore + 1);
    const landed = w.connectors.m365.calls().filter((c) => c.op === 'push');
    expect(landed.at(-1)?.withPassword).toBe(false);
    expect((await w.m365.target.readAttributes(ext.m365 as never)).department).toBe('Research');
    const binding = (await bindingsOf(w.store, u))[M365];
    expect(binding?.inFlight).toBeNull();
    expect(binding?.pushedRecordVersion).toBeGreaterThan(0);
    expect(other.retriesArmed()).toBe(0);
    await other.close();
    await w.close();
  });
};
