// createHostApp with its events in EventStoreDB/KurrentDB (host tables in DATA_DIR/host.db). Needs a
// server: runs when EVENTSTORE_URL is set (e.g. esdb://localhost:2113?tls=false), skipped otherwise.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Secret } from '@takeover/core';
import type { DirectoryId } from '@takeover/core';
import { eventually } from '../support/eventually.js';
import { right, startApp, tempDir } from './harness.js';

const url = process.env['EVENTSTORE_URL'];
const maybe = url === undefined ? it.skip : it;

maybe(
  `a user created, logged in and pushed to both directories with the events in EventStoreDB${url === undefined ? ' (skipped: set EVENTSTORE_URL to an EventStoreDB/KurrentDB server to run it)' : ''}`,
  async () => {
    const dir = await tempDir('host-esdb-');
    const { app } = await startApp(dir, { EVENTSTORE_URL: url ?? '' });
    try {
      const email = `esdb-${randomBytes(3).toString('hex')}@example.com`;
      const by = { kind: 'admin' as const, id: 'test' };
      const id = right(
        await app.admin.createUser(by, {
          email,
          givenName: 'E',
          familyName: 'S',
          state: 'active',
          password: Secret.of('Event-Store-Pass-1!'),
          directories: ['google', 'microsoft'] as DirectoryId[],
        }),
      ).id;
      right(await app.portal.login(email, Secret.of('Event-Store-Pass-1!'), '127.0.0.1'));
      await eventually('both in sync', async () =>
        right(await app.admin.getUser(id)).bindings.every((b) => b.state === 'in-sync') ? true : undefined,
      );
      expect((await app.ready()).ready).toBe(true);
    } finally {
      await app.close(5_000);
      await rm(dir, { recursive: true, force: true });
    }
  },
  60_000,
);
