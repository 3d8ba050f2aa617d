import { startGoogleEmulator } from '@takeover/directory-emulators';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import { googleDirectoryClients } from '@takeover/directory-emulators/testing';
import type { GoogleDirectoryClients } from '@takeover/directory-emulators/testing';
import { failure } from './failure.js';

let emu: GoogleEmulator;
let google: GoogleDirectoryClients;
const PATCH_KEY = 'PATCH /admin/directory/v1/users/:userKey';
const patchEve = () => google.directory.users.patch({ userKey: 'eve@example.com', requestBody: { suspended: false } });

beforeAll(async () => {
  emu = await startGoogleEmulator({
    scryptN: 1024,
    quotas: { perUser: { limit: 3, windowSeconds: 3600 } },
    seed: {
      users: [
        { primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true },
        { primaryEmail: 'eve@example.com', givenName: 'Eve', familyName: 'E' },
      ],
    },
  });
  google = googleDirectoryClients(emu);
});
afterAll(() => emu.close());
afterEach(() => {
  emu.clearFaults();
  emu.setQuota('perUser', null);
  emu.setQuota('perAccount', null);
  emu.setQuota('concurrent', null);
});

describe('Google quotas', () => {
  it('403 userRateLimitExceeded once the per-user bucket is empty, and it refills with time', async () => {
    emu.setQuota('perUser', { limit: 3, windowSeconds: 3600 });
    for (let i = 0; i < 3; i++) await patchEve();
    const e = await failure(patchEve());
    expect(e.response?.status).toBe(403);
    expect(e.response?.data).toMatchObject({
      error: { code: 403, message: 'User Rate Limit Exceeded', errors: [{ reason: 'userRateLimitExceeded', domain: 'usageLimits' }] },
    });
    emu.advanceClock(1200); // one token back (3 per hour)
    await patchEve();
  });

  it('429 rateLimitExceeded from the per-account quota, changed at run time over the admin API', async () => {
    const put = await fetch(`${emu.url}__admin/quotas/perAccount`, {
      method: 'PUT',
      body: JSON.stringify({ limit: 1, windowSeconds: 3600 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(put.status).toBe(200);
    await patchEve();
    const e = await failure(patchEve());
    expect(e.response?.status).toBe(429);
    expect(e.response?.data).toMatchObject({ error: { errors: [{ reason: 'rateLimitExceeded', domain: 'usageLimits' }] } });
  });

  it('403 quotaExceeded past the concurrent-request limit', async () => {
    emu.setQuota('concurrent', { limit: 1, windowSeconds: 0 });
    emu.injectFault({ path: '/admin/directory/v1/users', method: 'PATCH', latencyMs: 300 });
    const slow = patchEve();
    await new Promise((r) => setTimeout(r, 100));
    const e = await failure(patchEve());
    expect(e.response?.data).toMatchObject({ error: { code: 403, errors: [{ reason: 'quotaExceeded', domain: 'usageLimits' }] } });
    expect((await slow).status).toBe(200);
  });
});

describe('Google fault injection', () => {
  it('fails the next N requests with a status and reason; the client retries a PUT on 503 and succeeds', async () => {
    emu.resetRequestCounts();
    emu.injectFault({ path: '/admin/directory/v1/users/eve@example.com', method: 'PUT', status: 503, times: 2 });
    const res = await google.directory.users.update({ userKey: 'eve@example.com', requestBody: { suspended: false } });
    expect(res.status).toBe(200);
    expect(emu.requestCounts()['PUT /admin/directory/v1/users/:userKey']).toBe(3);
  });

  it('a PATCH is not retried: the injected error reaches the caller', async () => {
    emu.resetRequestCounts();
    emu.injectFault({ path: '/admin/directory/v1/users', method: 'PATCH', status: 403, reason: 'userRateLimitExceeded' });
    const e = await failure(patchEve());
    expect(e.response?.data).toMatchObject({
      error: { code: 403, message: 'User Rate Limit Exceeded', errors: [{ reason: 'userRateLimitExceeded' }] },
    });
    expect(emu.requestCounts()[PATCH_KEY]).toBe(1);
    await patchEve();
  });

  it("503 backendError reaches the caller of a PATCH with Google's envelope", async () => {
    emu.injectFault({ path: '/admin/directory/v1/users', method: 'PATCH', status: 503 });
    const e = await failure(patchEve());
    expect(e.response?.status).toBe(503);
    expect(e.response?.data).toEqual({
      error: { code: 503, message: 'Backend Error', errors: [{ message: 'Backend Error', domain: 'global', reason: 'backendError' }] },
    });
  });

  it('drops the connection', async () => {
    emu.injectFault({ path: '*', method: 'PATCH', drop: true });
    const e = await failure(patchEve());
    expect(e.response).toBeUndefined();
    expect(emu.faults()).toHaveLength(0);
  });

  it('injects faults over the HTTP admin API', async () => {
    const r = await fetch(`${emu.url}__admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/admin/directory/v1/users', status: 429, reason: 'rateLimitExceeded', times: 1, method: 'PATCH' }),
    });
    expect(r.status).toBe(200);
    expect((await failure(patchEve())).response?.status).toBe(429);
  });
});
