// The rules and faults end to end through the real connectors (@googleapis/admin, Microsoft Graph
// client + @azure/identity) against the directory emulators, in process.
import { startEntraEmulator, startGoogleEmulator } from '@takeover/directory-emulators';
import type { EntraEmulator, GoogleEmulator } from '@takeover/directory-emulators';
import { googleConnectorForEmulator, googleTarget } from '@takeover/connector-google-workspace/testing';
import { entraConnectorForEmulator, entraTarget } from '@takeover/connector-microsoft-entra/testing';
import type { ExternalUserId } from '@takeover/connector-kit';
import { auditLog, portalNotifications, runReadModels } from '@takeover/engine';
import type { World } from './world.js';
import { GOOGLE, M365, OLD_PASSWORD, PASSWORD, ada, bindingsOf, cmd, uid, world } from './world.js';

const id = (s: string) => s as ExternalUserId;
// Generous: no test here may fail because a loaded machine answered slowly (tests of timeouts inject their own).
const TIMEOUT_MS = 30_000;
let google: GoogleEmulator;
let entra: EntraEmulator;
let w: World;

beforeEach(async () => {
  google = await startGoogleEmulator({ scryptN: 1024 });
  entra = await startEntraEmulator({ scryptN: 1024 });
  // No propagation window: a 404 here is the account gone, not one the directory is still creating (propagation.test.ts covers that).
  w = await world(
    { propagationWindowMs: 0 },
    {
      google: {
        connector: googleConnectorForEmulator(google, { timeoutMs: TIMEOUT_MS }),
        target: googleTarget(google, TIMEOUT_MS),
        close: google.close,
      },
      m365: {
        connector: entraConnectorForEmulator(entra, { timeoutMs: TIMEOUT_MS }),
        target: entraTarget(entra, TIMEOUT_MS),
        close: entra.close,
      },
    },
  );
});
afterEach(async () => {
  await w.engine.close();
  await google.close();
  await entra.close();
});

const GOOGLE_API = '/admin/directory/v1/';
const GRAPH_API = '/v1.0/';

describe('through the real connectors and the emulators', () => {
  test('seed flow 1: R1 one binding email per directory, nothing pushed; R3 the first login pushes to both; R9 notifications and audit; R5 nothing more', async () => {
    const ext = await w.seedAccounts(ada);
    const u = uid('ada');
    const models = [portalNotifications(), auditLog()] as const;
    const running = runReadModels(w.store, models, { pollIntervalMs: 20 });
    try {
      await w.run(cmd.createActive(u, ada, PASSWORD));
      await w.run(cmd.bind(u, GOOGLE));
      await w.run(cmd.bind(u, M365, ext.m365));
      await w.engine.idle();
      expect((await bindingsOf(w.store, u))[GOOGLE]?.link).toMatchObject({ status: 'linked', how: 'matched-email' });
      expect(w.outbox.sent()).toHaveLength(2);
      expect(await w.google.target.passwordMatches(id(ext.google), OLD_PASSWORD)).toBe(true);
      expect(w.pushCalls()).toEqual({ google: 0, m365: 0 });

      await w.run(cmd.logIn(u));
      await w.engine.idle();
      expect(await w.google.target.passwordMatches(id(ext.google), PASSWORD)).toBe(true);
      expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
      await running.catchUp();
      expect(await models[0].forUser(u)).toHaveLength(2);
      expect((await models[1].logins(u))[0]?.synchronised.map((s) => s.label).sort()).toEqual([
        'Google Workspace (example.com)',
        'Microsoft 365 (contoso.com)',
      ]);

      await w.run(cmd.logIn(u));
      await w.engine.idle();
      expect(w.pushCalls()).toEqual({ google: 1, m365: 1 });
    } finally {
      await running.stop();
    }
  });

  test('seed flow 2: R2 one activation email, R6 the password reaches both after activation and login; new accounts are created', async () => {
    const u = uid('grace');
    const grace = { email: 'grace@example.com', givenName: 'Grace', familyName: 'Hopper' };
    await w.run(cmd.createActive(u, grace));
    await w.run(cmd.bind(u, GOOGLE));
    await w.engine.idle();
    expect(w.outbox.sent().map((m) => m.subject)).toEqual(['Activate your Acme Portal account']);
    await w.run(cmd.setPassword(u, PASSWORD, 'user-activation'));
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    const link = (await bindingsOf(w.store, u))[GOOGLE]?.link;
    if (link?.status !== 'linked') throw new Error('not linked');
    expect(link.how).toBe('created');
    expect(await w.google.target.passwordMatches(id(link.externalKey), PASSWORD)).toBe(true);
  });

  test('faults: 503 for a while then recovery; 429 with Retry-After honoured; a permanent failure visible and not retried; auth marks the directory', async () => {
    const ext = await w.seedAccounts(ada);
    const u = uid('ada');
    await w.run(cmd.createActive(u, ada, PASSWORD));
    await w.run(cmd.bind(u, GOOGLE, ext.google));
    await w.run(cmd.bind(u, M365, ext.m365));
    await w.engine.idle();
    google.injectFault({ path: GOOGLE_API, status: 503, reason: 'backendError', times: 3 });
    entra.injectFault({ path: GRAPH_API, status: 429, reason: 'TooManyRequests', retryAfterSeconds: 1, times: 1 });
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(await w.google.target.passwordMatches(id(ext.google), PASSWORD)).toBe(true);
    expect(await w.m365.target.passwordMatches(id(ext.m365), PASSWORD)).toBe(true);
    const graphCalls = w.connectors.m365.calls().filter((c) => c.op === 'push');
    expect(graphCalls).toHaveLength(2);
    expect((graphCalls[1]?.at ?? 0) - (graphCalls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(w.metrics.pushes()).toMatchObject({ 'google/succeeded': 1, 'm365/succeeded': 1 });

    await w.run(cmd.change(u, { jobTitle: 'Analyst' }));
    google.injectFault({ path: GOOGLE_API, status: 404, reason: 'notFound', times: 1 });
    entra.injectFault({ path: GRAPH_API, status: 401, reason: 'InvalidAuthenticationToken', times: 5 });
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    const bindings = await bindingsOf(w.store, u);
    expect(bindings[GOOGLE]?.lastFailure?.failure).toMatchObject({ class: 'permanent', reason: 'not-found', status: 404 });
    expect(bindings[M365]?.lastFailure?.failure).toMatchObject({ class: 'auth', status: 401 });
    const before = w.pushCalls();
    await w.run(cmd.logIn(u));
    await w.engine.idle();
    expect(w.pushCalls().google).toBe(before.google); // permanent: not retried until something changes
  });
});
