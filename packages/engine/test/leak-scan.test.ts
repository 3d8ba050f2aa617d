import { inspect } from 'node:util';
import { inMemoryEventStore } from '@takeover/event-store';
import { auditLog, portalNotifications, runReadModels, storeOutbox, syncStatusView, whyView } from '@takeover/engine';
import type { ExternalUserId } from '@takeover/connector-kit';
import { describeLeak, leakScanner } from '@takeover/connector-kit/testing';
import { GOOGLE, M365, PASSWORD, ada, cmd, uid, world } from './world.js';
import { backends } from './backends.js';

const SECOND = 'Second-Secret-Pass-7%';
const id = (s: string) => s as ExternalUserId;

describe.each(backends)('%s', (_name, directories) => {
  test('R14 after a full scenario, no plaintext in the store rows, read models, logs, mails or metrics', async () => {
    const store = inMemoryEventStore();
    const w = await world({ store, mailer: storeOutbox(store) }, await directories());
    const models = [syncStatusView(), auditLog(), portalNotifications(), whyView()] as const;
    const running = runReadModels(store, models, { pollIntervalMs: 20 });
    try {
      const ext = await w.seedAccounts(ada);
      const u = uid('ada');
      const bob = uid('bob');
      await w.run(cmd.createActive(u, ada, PASSWORD));
      await w.run(cmd.bind(u, GOOGLE));
      await w.run(cmd.bind(u, M365, ext.m365));
      await w.run(cmd.createActive(bob, { email: 'bob@example.com', givenName: 'Bob', familyName: 'Smith' }));
      await w.run(cmd.bind(bob, GOOGLE));
      await w.engine.idle();
      // A careless provider quotes the password in its rejection; the connector must scrub it, the engine must not add it back.
      await w.google.target.injectFault({ kind: 'policy-reject', echoPassword: true });
      await w.m365.target.injectFault({ kind: 'policy-reject', echoPassword: true });
      await w.run(cmd.logIn(u));
      await w.engine.idle();
      await w.run(cmd.change(u, { jobTitle: 'Analyst' }));
      await w.run(cmd.setPassword(u, SECOND, 'user-portal'));
      await w.run(cmd.logIn(u, SECOND));
      await w.run(cmd.setPassword(bob, PASSWORD, 'user-activation'));
      await w.run(cmd.logIn(bob, PASSWORD));
      await w.engine.idle();
      await running.catchUp();
      expect(await w.m365.target.passwordMatches(id(ext.m365), SECOND)).toBe(true);

      const rows = await store.readAll({ maxCount: 10_000 })();
      if (rows._tag === 'Left') throw new Error('read');
      const u1 = uid('ada');
      const everything: ReadonlyArray<readonly [string, string]> = [
        ['store rows', JSON.stringify(rows.right.events)],
        ...models.map((m, i) => [`read model ${i}`, inspect(m, { depth: 10 })] as const),
        [
          'read model views',
          JSON.stringify(
            await Promise.all([
              models[0].forUser(u1),
              models[0].forUser(bob),
              models[1].forUser(u1),
              models[1].logins(u1),
              models[1].page({}),
              models[2].forUser(u1),
              models[3].pushesOf(u1),
            ]),
          ),
        ],
        ...w.logger.lines().map((l, i) => [`log line ${i}`, l] as const),
        [
          'metrics',
          JSON.stringify([
            w.metrics.pushes(),
            w.metrics.latencies(),
            w.metrics.throttles(),
            w.metrics.retries(),
            w.metrics.maxQueueDepth(),
          ]),
        ],
      ];
      expect(rows.right.events.some((e) => e.event.type === 'MailQueued')).toBe(true);
      // Both echoing rejections were met (the scrubbing was exercised for each directory).
      const failedAt = new Set(rows.right.events.flatMap((e) => (e.event.type === 'PushFailed' ? [JSON.stringify(e.event.data)] : [])));
      expect([...failedAt].filter((d) => d.includes('policy-rejected')).length).toBeGreaterThanOrEqual(2);
      // Every encoding the shared scanner knows: plain, base64 at any offset, hex, URL/form, JSON escapes.
      const scanner = leakScanner([PASSWORD, SECOND]);
      const leaks = everything.flatMap(([where, text]) => scanner.findAll(text).map((hit) => `${where}: ${describeLeak(hit)}`));
      expect(leaks).toEqual([]);
    } finally {
      await running.stop();
      await w.close();
    }
  });
});
