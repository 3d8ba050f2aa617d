// R16's sweep over the in-memory directories: parallel duplicates (two instances sweeping one
// store at once) come to one consistent outcome.
import { anyEventDecoder, auditLog, inMemorySweepCursors, portalNotifications, sweepStream, whyView } from '@takeover/engine';
import { M365, activeAdaBound, bindingsOf, changePasswordOutside, cmd, world } from './world.js';

test('two instances sweeping the same directory at once: the change is recorded once and the round cursor is saved once', async () => {
  const w = await world();
  const { ext, u } = await activeAdaBound(w);
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  const other = w.newEngine({ instanceId: 'host-b' });
  await w.engine.sweepExternalChanges(M365);
  await changePasswordOutside(w.m365, ext.m365, 'Changed-Outside-1!');
  const [a, b] = await Promise.all([w.engine.sweepExternalChanges(M365), other.sweepExternalChanges(M365)]);
  expect([a?.[0]?.reported, b?.[0]?.reported]).toEqual([1, 1]);
  // Both may have decided it (the second append is the same event ids: idempotent); the store holds it once.
  expect((a?.[0]?.recorded ?? 0) + (b?.[0]?.recorded ?? 0)).toBeGreaterThanOrEqual(1);
  const events = await w.store.readStream(`user-${u}`)();
  expect(events._tag === 'Right' && events.right.filter((e) => e.event.type === 'ExternalPasswordChangeDetected').length).toBe(1);
  const binding = (await bindingsOf(w.store, u))[M365];
  expect(binding?.externalChanges).toBe(1);
  expect(binding?.externalChangePending).not.toBeNull();
  // One cursor event for the round (the same event id from both: the second append is idempotent).
  const saved = await w.store.readStream(sweepStream(M365))();
  expect(saved._tag === 'Right' && saved.right.length).toBe(2);
  await other.close();
  await w.close();
});

test('visible: the audit says when it was changed outside the portal and that the login set it back; the why page names the change; the portal tells the user', async () => {
  const w = await world();
  const { ext, u } = await activeAdaBound(w);
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  await changePasswordOutside(w.m365, ext.m365, 'Changed-Outside-2!');
  await w.engine.sweepExternalChanges(M365);
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  const page = await w.store.readAll({ decoder: anyEventDecoder, maxCount: 10_000 })();
  if (page._tag === 'Left') throw new Error('cannot read');
  const events = page.right.events.flatMap((r) => (r.event === null ? [] : [{ ...r, event: r.event }]));
  const audit = auditLog();
  const why = whyView();
  const notices = portalNotifications();
  for (const m of [audit, why, notices]) m.apply(events);
  const summaries = (await audit.forUser(u)).map((e) => e.summary);
  const date = '\\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2} UTC';
  // First half alone when it is noticed; the one sentence on the push that set it back at the login.
  expect(summaries).toContainEqual(
    expect.stringMatching(new RegExp(`^Changed in Microsoft 365 \\(contoso\\.com\\) outside the portal on ${date}$`)),
  );
  expect(summaries).toContainEqual(
    expect.stringMatching(
      new RegExp(`^Changed in Microsoft 365 \\(contoso\\.com\\) outside the portal on ${date}; set back at the login on ${date}$`),
    ),
  );
  expect((await audit.forUser(u)).find((e) => e.type === 'ExternalPasswordChangeDetected')?.by).toMatch(
    / in Microsoft 365 \(contoso\.com\)$/,
  );
  expect((await audit.logins(u)).at(-1)?.synchronised.map((x) => x.directoryId)).toEqual([M365]);
  const setBack = (await why.pushesOf(u, M365)).find((p) => p.push.reason === 'external-change');
  expect(setBack?.causes).toEqual([
    expect.objectContaining({
      type: 'ExternalPasswordChangeDetected',
      detail: expect.stringMatching(/^Changed in Microsoft 365 \(contoso\.com\) outside the portal on /) as unknown,
    }),
  ]);
  expect((await notices.forUser(u)).map((n) => n.message)).toContainEqual(
    expect.stringMatching(/^Your Microsoft 365 .*password had been changed outside the portal; it is your portal password again\.$/),
  );
  await w.close();
});

test('a sweep of every directory lists them from the read model when it can (LinkedAccounts.knownDirectories): no read of the global order', async () => {
  const w = await world();
  const { u } = await activeAdaBound(w);
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  let globalReads = 0;
  const counted = new Proxy(w.store, {
    get: (target, prop, receiver) => {
      if (prop === 'readAll') {
        const readAll = target.readAll.bind(target);
        return (...args: Parameters<typeof readAll>) => {
          globalReads++;
          return readAll(...args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const listed: string[] = [];
  const engine = w.newEngine({
    store: counted,
    sweepCursors: inMemorySweepCursors(),
    linkedAccounts: {
      linkedUsers: () => Promise.resolve([]),
      knownDirectories: () => {
        listed.push('asked');
        return Promise.resolve([M365]);
      },
    },
  });
  const reports = await engine.sweepExternalChanges();
  expect(listed).toEqual(['asked']);
  expect(reports.map((r) => r.directoryId)).toEqual([M365]);
  expect(globalReads).toBe(0);
  await engine.close();
  await w.close();
});
