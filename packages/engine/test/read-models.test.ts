import { commandId, isoTime } from '@takeover/core';
import { auditLog, portalNotifications, runReadModels, syncStatusView, whyView } from '@takeover/engine';
import type { RunningReadModels } from '@takeover/engine';
import { GOOGLE, M365, PASSWORD, ada, cmd, uid, world } from './world.js';

let current: RunningReadModels | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

const setUp = async () => {
  const w = await world({ propagationWindowMs: 0 });
  const models = { status: syncStatusView(), audit: auditLog(), notifications: portalNotifications(), why: whyView() };
  const running = runReadModels(w.store, Object.values(models), { pollIntervalMs: 20 });
  current = running;
  const ext = await w.seedAccounts(ada);
  const u = uid('ada');
  await w.run(cmd.createActive(u, ada, PASSWORD));
  await w.run(cmd.bind(u, GOOGLE, ext.google));
  await w.run(cmd.bind(u, M365, ext.m365));
  await w.engine.idle();
  await running.catchUp();
  return { w, models, running, u };
};

test('R9 after a login that pushed: one portal notification per directory, and the audit log shows the login with the directories synchronised', async () => {
  const { w, models, running, u } = await setUp();
  expect((await models.status.forUser(u)).map((s) => s.state)).toEqual(['awaiting-login', 'awaiting-login']);
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  await running.catchUp();
  expect((await models.notifications.forUser(u)).map((n) => n.message).sort()).toEqual([
    'Your password was updated in Google Workspace (example.com).',
    'Your password was updated in Microsoft 365 (contoso.com).',
  ]);
  const logins = await models.audit.logins(u);
  expect(logins).toHaveLength(1);
  expect(logins[0]?.synchronised.map((s) => s.label).sort()).toEqual(['Google Workspace (example.com)', 'Microsoft 365 (contoso.com)']);
  expect((await models.status.forUser(u)).map((s) => s.state)).toEqual(['in-sync', 'in-sync']);
  expect((await models.audit.forUser(u)).map((e) => e.summary)).toContain(
    'Password and profile synchronised in Microsoft 365 (contoso.com)',
  );
  // Every entry is in words an admin reads, never the bare event type.
  for (const entry of await models.audit.forUser(u)) expect(entry.summary).not.toBe(entry.type);
  expect((await models.audit.forUser(u)).map((e) => e.summary)).toEqual(
    expect.arrayContaining([
      'Created (active)',
      'Email sent: log in to finish connecting in Google Workspace (example.com)',
      'Password and profile push started in Microsoft 365 (contoso.com)',
    ]),
  );
});

test('R12 sync status shows a failure with its reason and time; an auth failure marks the directory as needing an admin', async () => {
  const { w, models, running, u } = await setUp();
  w.connectors.m365.failAlways({
    _tag: 'auth',
    provider: { status: 401, code: 'InvalidAuthenticationToken', message: 'Access token validation failure' },
  });
  w.connectors.google.failNext(1, {
    _tag: 'permanent',
    reason: 'not-found',
    provider: { status: 404, code: 'notFound', message: 'Resource Not Found: userKey' },
  });
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  await running.catchUp();
  const [google, m365] = await models.status.forUser(u);
  expect(google).toMatchObject({
    state: 'blocked',
    lastFailure: { class: 'permanent', reason: 'not-found', message: 'Resource Not Found: userKey' },
  });
  expect(typeof google?.lastFailure?.at).toBe('string');
  expect(m365).toMatchObject({ state: 'failed', lastFailure: { class: 'auth' } });
  expect(await models.status.directoryHealth(M365)).toMatchObject({
    needsAdmin: true,
    lastAuthFailure: { code: 'InvalidAuthenticationToken' },
  });
  expect((await models.status.directoryHealth(GOOGLE)).needsAdmin).toBe(false);
});

test('why: "why was Ada logged out of Microsoft 365 on Tuesday?" — the profile change, who made it, and the login that carried the push', async () => {
  const { w, models, running, u } = await setUp();
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  await w.run(cmd.change(u, { department: 'Research', jobTitle: 'Analyst' }));
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  await running.catchUp();
  const pushes = await models.why.pushesOf(u, M365);
  expect(pushes.map((p) => p.push.reason)).toEqual(['takeover', 'attributes-changed']);
  const second = pushes[1];
  expect(second?.causes.map((c) => [c.type, c.by, c.detail])).toEqual([['AttributesChanged', 'admin-1 (admin)', 'department, jobTitle']]);
  expect(second?.carriedBy?.type).toBe('PortalLogin');
  expect(second?.outcome?.status).toBe('succeeded');
  expect(pushes[0]?.causes.map((c) => c.type)).toEqual(['UserCreated', 'PasswordSet', 'UserBound', 'ExternalAccountLinked']);
});

test('sessions ended are told only when the directory really ended them: in the notification and the audit log', async () => {
  const { w, models, running, u } = await setUp();
  await w.engine.executeDirectory({
    type: 'ChangeDirectoryPolicy',
    commandId: commandId('policy-revoke'),
    directoryId: M365,
    at: isoTime(new Date().toISOString()),
    policy: { revokeSessionsOnPush: true },
  })();
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  await running.catchUp();
  const notes = await models.notifications.forUser(u);
  // The in-memory directory ends sessions only on request (like Google): Microsoft 365 was asked, Google was not.
  expect(notes.map((n) => [n.directoryId, n.sessionsEnded])).toEqual(
    expect.arrayContaining([
      [GOOGLE, false],
      [M365, true],
    ]),
  );
  expect(notes.find((n) => n.directoryId === M365)?.message).toContain('You were signed out of your other sessions there');
  expect(notes.find((n) => n.directoryId === GOOGLE)?.message).not.toContain('signed out');
  const audit = (await models.audit.forUser(u)).map((e) => e.summary);
  expect(audit).toContain("Password and profile synchronised in Microsoft 365 (contoso.com); the user's other sessions there were ended");
  expect(audit).toContain('Password and profile synchronised in Google Workspace (example.com)');
});
