// R16's sweep through the real connectors and clients (Microsoft Graph client, googleapis) against
// the emulators: a password the user changed in the directory is noticed without waiting for a
// login, set back at the next login with one push; our own push is never taken for an external
// change; the cursor survives a restart; the sweep's requests go through the directory's pacer.
import {
  DIRECTORY_USER_READONLY_SCOPE,
  DIRECTORY_USER_SCOPE,
  DIRECTORY_USER_SECURITY_SCOPE,
  GOOGLE_REALISTIC_REPORTS_LAG_MS,
  REPORTS_AUDIT_READONLY_SCOPE,
  startEntraEmulator,
  startGoogleEmulator,
} from '@takeover/directory-emulators';
import type { EntraEmulator, GoogleEmulator } from '@takeover/directory-emulators';
import { googleConnectorForEmulator, googleTarget } from '@takeover/connector-google-workspace/testing';
import { entraConnectorForEmulator, entraTarget } from '@takeover/connector-microsoft-entra/testing';
import type { DirectoryConnector } from '@takeover/connector-kit';
import { externalUserId } from '@takeover/connector-kit';
import { commandId, isoTime } from '@takeover/core';
import * as E from 'fp-ts/lib/Either.js';
import type { EngineOptions, SharedBudget } from '@takeover/engine';
import { anyEventDecoder, sweepStream } from '@takeover/engine';
import { GOOGLE, M365, PASSWORD, activeAdaBound, bindingsOf, cmd } from './world.js';
import type { World } from './world.js';
import { world } from './world.js';

const TIMEOUT_MS = 30_000;
let google: GoogleEmulator;
let entra: EntraEmulator;
let w: World;
/** The engine's clock moves with the emulators' (a test moves theirs): the clocks agree, as real ones roughly do. */
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };
const advance = (which: 'google' | 'm365', seconds: number) => {
  (which === 'google' ? google : entra).advanceClock(seconds);
  offsetMs += seconds * 1000;
};

/** Every request slot the engine reserved, by directory: a shared budget that counts and never makes anyone wait. */
let reserved: Record<string, number> = {};
const countingBudget: SharedBudget = {
  reserve: (directoryId) => {
    reserved[directoryId] = (reserved[directoryId] ?? 0) + 1;
    return Promise.resolve({ waitMs: 0, ratePerSecond: 10 });
  },
  throttled: () => Promise.resolve(),
};

const open = async (
  extra: Partial<EngineOptions> = {},
  wrapEntra: (c: DirectoryConnector) => DirectoryConnector = (c) => c,
): Promise<World> => {
  google = await startGoogleEmulator({ scryptN: 1024, profile: 'realistic', propagationDelayMs: 0 });
  google.setDelegatedScopes(google.credentials.client_email, [
    DIRECTORY_USER_SCOPE,
    DIRECTORY_USER_READONLY_SCOPE,
    DIRECTORY_USER_SECURITY_SCOPE,
    REPORTS_AUDIT_READONLY_SCOPE,
  ]);
  entra = await startEntraEmulator({ scryptN: 1024 });
  offsetMs = 0;
  w = await world(
    { clock, ...extra },
    {
      google: {
        connector: googleConnectorForEmulator(google, { timeoutMs: TIMEOUT_MS, detectExternalChanges: true }),
        target: googleTarget(google, TIMEOUT_MS),
        close: google.close,
      },
      m365: {
        connector: wrapEntra(entraConnectorForEmulator(entra, { timeoutMs: TIMEOUT_MS })),
        target: entraTarget(entra, TIMEOUT_MS),
        close: entra.close,
      },
    },
  );
  return w;
};
afterEach(async () => {
  await w.close();
});

/** Ada bound to both, logged in once (takeover complete in both), the directories' clocks moved past it. */
const takenOver = async () => {
  const { ext, u } = await activeAdaBound(w);
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  const b = await bindingsOf(w.store, u);
  expect([b[GOOGLE]?.takeoverComplete, b[M365]?.takeoverComplete]).toEqual([true, true]);
  return { ext, u };
};
const sweep = async (d: typeof GOOGLE) => {
  const [r] = await w.engine.sweepExternalChanges(d);
  if (r === undefined) throw new Error('no sweep report');
  return r;
};
const asUser = async (which: 'google' | 'm365', key: string, password: string) => {
  const change = w[which].target.changePasswordAsUser;
  if (change === undefined) throw new Error('no changePasswordAsUser');
  await change(externalUserId(key), password);
  if (which === 'm365')
    offsetMs += 2000; // the Entra target moves its emulator's clock on 2 s first (Graph's whole seconds)
  else offsetMs += 1000;
};

test("Entra: the sweep notices the user's own change, two changes make one push at the next login, and our own pushes are never taken for one", async () => {
  await open();
  const { ext, u } = await takenOver();
  // The first round lists every user (our own push included): nothing is someone else's.
  const first = await sweep(M365);
  expect(first).toMatchObject({ recorded: 0, saved: true });
  expect(first.reported).toBeGreaterThanOrEqual(1);
  await asUser('m365', ext.m365, 'Changed-In-Outlook-1!');
  expect(await sweep(M365)).toMatchObject({ reported: 1, recorded: 1, saved: true });
  expect((await bindingsOf(w.store, u))[M365]?.externalChangePending).not.toBeNull();
  expect(w.metrics.externalChanges()).toEqual({ [`${M365}/sweep`]: 1 });
  await asUser('m365', ext.m365, 'Changed-Again-2!');
  expect(await sweep(M365)).toMatchObject({ reported: 1, recorded: 0 }); // still one owed
  const before = w.pushCalls();
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.pushCalls()).toEqual({ google: before.google, m365: before.m365 + 1 });
  expect(await entra.passwordMatches(ext.m365, PASSWORD)).toBe(true);
  const b = (await bindingsOf(w.store, u))[M365];
  expect([b?.externalChangePending, b?.externalChanges]).toEqual([null, 2 - 1]);
  // Our push (setting it back) moved lastPasswordChangeDateTime: the next sweep may list it, and records nothing.
  expect(await sweep(M365)).toMatchObject({ recorded: 0 });
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.pushCalls()).toEqual({ google: before.google, m365: before.m365 + 1 }); // R5: nothing owed, nothing pushed
});

test('Entra under when-changed: the detected change makes the password owed though nothing else changed, and the push that sets it back carries it', async () => {
  await open();
  const policy = await w.engine.runDirectory({
    type: 'ChangeDirectoryPolicy',
    commandId: commandId('m365-when-changed'),
    directoryId: M365,
    at: isoTime(new Date(clock.now()).toISOString()),
    policy: { passwordPush: 'when-changed' },
  });
  expect(policy._tag).toBe('Right');
  const { ext, u } = await takenOver();
  expect(await sweep(M365)).toMatchObject({ recorded: 0, saved: true });
  await asUser('m365', ext.m365, 'Changed-In-Outlook-3!');
  expect(await sweep(M365)).toMatchObject({ reported: 1, recorded: 1 });
  const pushesBefore = w.connectors.m365.calls().filter((c) => c.op === 'push').length;
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  // One push, with the password: under when-changed only a password change carries it, and R16's detection is one.
  expect(
    w.connectors.m365
      .calls()
      .filter((c) => c.op === 'push')
      .slice(pushesBefore)
      .map((c) => c.withPassword),
  ).toEqual([true]);
  expect(await entra.passwordMatches(ext.m365, PASSWORD)).toBe(true);
  expect((await bindingsOf(w.store, u))[M365]?.externalChangePending).toBeNull();
});

test('Entra: a sweep that reads our own password push after Graph applied it, before its success is recorded, does not take it for an external change', async () => {
  // Our push to Entra, once applied there, waits on this gate before answering: the sweep runs in between.
  let gated = false;
  let applied = (): void => undefined;
  let release = (): void => undefined;
  const appliedThere = new Promise<void>((resolve) => (applied = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  await open({}, (c) => ({
    ...c,
    push: (request) => async () => {
      const r = await c.push(request)();
      if (gated) {
        applied();
        await gate;
      }
      return r;
    },
  }));
  const { ext, u } = await takenOver();
  expect(await sweep(M365)).toMatchObject({ recorded: 0, saved: true });
  advance('m365', 2); // a later second than the takeover push: Graph stamps whole seconds
  gated = true;
  const before = w.pushCalls();
  await w.run(cmd.setPassword(u, 'Changed-In-The-Portal-7!', 'user-portal'));
  await appliedThere;
  try {
    // Graph's lastPasswordChangeDateTime is our push's, which the store does not know as succeeded yet.
    expect(await sweep(M365)).toMatchObject({ reported: 1, recorded: 0 });
  } finally {
    release();
  }
  await w.engine.idle();
  expect(await entra.passwordMatches(ext.m365, 'Changed-In-The-Portal-7!')).toBe(true);
  const b = (await bindingsOf(w.store, u))[M365];
  expect([b?.externalChangePending, b?.externalChanges]).toEqual([null, 0]);
  expect(w.metrics.externalChanges()).toEqual({});
  // Nothing owed: the next login pushes nothing more.
  await w.run(cmd.logIn(u, 'Changed-In-The-Portal-7!'));
  await w.engine.idle();
  expect(w.pushCalls()).toEqual({ google: before.google + 1, m365: before.m365 + 1 });
});

test('Entra: the cursor survives a restart (the new engine continues the delta round instead of starting a full one)', async () => {
  await open();
  await takenOver();
  expect(await sweep(M365)).toMatchObject({ saved: true });
  const saved = await w.store.readStream(sweepStream(M365))();
  expect(saved._tag === 'Right' && saved.right.length).toBe(1);
  await w.engine.close();
  const restarted = w.newEngine();
  entra.resetRequestCounts();
  const [again] = await restarted.sweepExternalChanges(M365);
  // A full round would list Ada again (her lastPasswordChangeDateTime is set); the saved deltaLink lists nothing.
  expect(again).toMatchObject({ pages: 1, reported: 0, recorded: 0, saved: true });
  await restarted.close();
});

test('Entra: a throttled sweep request waits as the directory says, through the pacer, and the sweep completes', async () => {
  await open();
  await takenOver();
  entra.injectFault({ path: '/v1.0/users/delta', status: 429, retryAfterSeconds: 1 });
  const r = await sweep(M365);
  expect(r).toMatchObject({ saved: true });
  expect(r.error).toBeUndefined();
  expect(w.metrics.throttles()[M365]).toBe(1);
  expect(w.metrics.retries()[M365]).toBeGreaterThanOrEqual(1);
});

test("Google: the user's own change shows in the Reports API only after its lag; the overlapping cursor still finds it, and our own admin's sets never count", async () => {
  await open();
  const { ext, u } = await takenOver();
  advance('google', GOOGLE_REALISTIC_REPORTS_LAG_MS / 1000); // our takeover push is listed now
  expect(await sweep(GOOGLE)).toMatchObject({ reported: 0, recorded: 0, saved: true });
  await asUser('google', ext.google, 'Changed-In-Gmail-1!');
  expect(await sweep(GOOGLE)).toMatchObject({ reported: 0, recorded: 0 }); // not listed yet
  advance('google', GOOGLE_REALISTIC_REPORTS_LAG_MS / 1000);
  expect(await sweep(GOOGLE)).toMatchObject({ reported: 1, recorded: 1 });
  const before = w.pushCalls();
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.pushCalls()).toEqual({ google: before.google + 1, m365: before.m365 });
  expect(await google.passwordMatches(ext.google, PASSWORD)).toBe(true);
  advance('google', GOOGLE_REALISTIC_REPORTS_LAG_MS / 1000);
  // The same change (still inside the overlap) and our set-back are listed again: nothing new is recorded.
  const after = await sweep(GOOGLE);
  expect(after.recorded).toBe(0);
  expect((await bindingsOf(w.store, u))[GOOGLE]?.externalChanges).toBe(1);
});

test('Google at login, no sweep: the Reports API read for that user finds the change and the portal password is set back in that login', async () => {
  await open();
  const { ext, u } = await takenOver();
  await asUser('google', ext.google, 'Changed-In-Gmail-2!');
  advance('google', GOOGLE_REALISTIC_REPORTS_LAG_MS / 1000);
  const before = w.pushCalls();
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(w.pushCalls()).toEqual({ google: before.google + 1, m365: before.m365 });
  expect(await google.passwordMatches(ext.google, PASSWORD)).toBe(true);
  expect(w.metrics.externalChanges()).toEqual({ [`${GOOGLE}/login-check`]: 1 });
  // Like the sweep, the login-time check records who changed it, as the directory names them (the user, in Google's audit).
  const all = await w.store.readAll({ maxCount: 10_000, decoder: anyEventDecoder })();
  if (E.isLeft(all)) throw new Error('cannot read the store');
  const detected = all.right.events.flatMap((e) => (e.event?.type === 'ExternalPasswordChangeDetected' ? [e.event.data] : []));
  expect(detected).toEqual([expect.objectContaining({ source: 'login-check', directoryId: GOOGLE, by: 'ada@example.com' })]);
});

test('Entra: an account deleted in the directory comes as @removed in the delta round: reported as removed, nothing recorded, nothing pushed, the round saved', async () => {
  await open();
  const { ext, u } = await takenOver();
  expect(await sweep(M365)).toMatchObject({ saved: true });
  // Graph's DELETE /users/{id} (the admin center's delete): the next delta lists { id, "@removed": { reason: "changed" } }.
  expect(entra.deleteUserAsAdmin(ext.m365)).toBe(true);
  const before = w.pushCalls();
  const r = await sweep(M365);
  expect(r).toMatchObject({ reported: 0, recorded: 0, removed: 1, saved: true });
  expect(r.error).toBeUndefined();
  const b = (await bindingsOf(w.store, u))[M365];
  expect([b?.externalChangePending, b?.externalChanges]).toEqual([null, 0]);
  expect(w.pushCalls()).toEqual(before);
  // The next round has nothing left to say about it.
  expect(await sweep(M365)).toMatchObject({ reported: 0, removed: 0 });
});

test("detection is paced by the directory's quota: each sweep page and each login check takes a slot of that directory's shared budget, none of another's", async () => {
  await open({ budget: countingBudget });
  const { ext, u } = await takenOver();
  reserved = {};
  const r = await sweep(M365);
  expect(r).toMatchObject({ saved: true });
  expect(reserved).toEqual({ [M365]: r.pages });
  reserved = {};
  const g = await sweep(GOOGLE);
  expect(reserved).toEqual({ [GOOGLE]: g.pages });
  // At login: one paced read per bound directory whose takeover is complete (nothing owed, so no push follows).
  reserved = {};
  await w.run(cmd.logIn(u));
  await w.engine.idle();
  expect(reserved).toEqual({ [GOOGLE]: 1, [M365]: 1 });
  expect(await entra.passwordMatches(ext.m365, PASSWORD)).toBe(true);
});
