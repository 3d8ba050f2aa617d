import { startEntraEmulator } from '@takeover/directory-emulators';
import type { EntraEmulator } from '@takeover/directory-emulators';
import {
  entraClientSecretCredential,
  entraFetchDispatcher,
  entraGraphClient,
  GRAPH_DEFAULT_SCOPE,
} from '@takeover/directory-emulators/testing';
import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import { failure } from './failure.js';

let emu: EntraEmulator;
let graph: Client;
const PATCH = 'PATCH /v1.0/users/:id';
const noRetry = () => [new RetryHandlerOptions(0, 0)];
const patchAlex = (retry = false) => {
  const req = graph.api('/users/alex@contoso.com');
  return (retry ? req : req.middlewareOptions(noRetry())).patch({ jobTitle: 'Engineer' }) as Promise<unknown>;
};

beforeAll(async () => {
  emu = await startEntraEmulator({ scryptN: 1024 });
  graph = entraGraphClient(emu);
});
afterAll(() => emu.close());
afterEach(() => {
  emu.clearFaults();
  emu.setQuota('appTenantWrites', { limit: 3000, windowSeconds: 150 });
  emu.setQuota('tenantWrites', { limit: 18000, windowSeconds: 300 });
});

describe('Graph write quotas', () => {
  it('uses the published defaults', () => {
    expect(emu.quotas()).toEqual({
      appTenantWrites: { limit: 3000, windowSeconds: 150 },
      tenantWrites: { limit: 18000, windowSeconds: 300 },
      appTenantResourceUnits: { limit: 3500, windowSeconds: 10 },
    });
  });

  it('429 Request_ThrottledTemporarily with a Retry-After computed from the app+tenant bucket', async () => {
    emu.setQuota('appTenantWrites', { limit: 2, windowSeconds: 3600 });
    await patchAlex();
    await patchAlex();
    const e = await failure(patchAlex());
    expect(e.statusCode).toBe(429);
    expect(e.code).toBe('Request_ThrottledTemporarily');
    expect((e.headers as Headers).get('retry-after')).toBe('1800');
    // Reads are not write-limited.
    await graph.api('/users/alex@contoso.com').get();
  });

  it('the per-tenant bucket throttles too, and the Graph RetryHandler honours Retry-After', async () => {
    emu.setQuota('tenantWrites', { limit: 1, windowSeconds: 1 });
    emu.resetRequestCounts();
    await patchAlex(true);
    await patchAlex(true); // 429 with Retry-After: 1, then the client's retry passes
    expect(emu.requestCounts()[PATCH]).toBe(3);
  });

  it('signals usage past 80 % with x-ms-throttle-limit-percentage', async () => {
    emu.setQuota('appTenantWrites', { limit: 5, windowSeconds: 3600 });
    const { token } = await entraClientSecretCredential(emu).getToken(GRAPH_DEFAULT_SCOPE);
    const dispatcher = entraFetchDispatcher(emu);
    const headers: Array<string | null> = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${emu.graphBaseUrl}v1.0/users/alex@contoso.com`, {
        method: 'PATCH',
        body: '{"department":"R&D"}',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        dispatcher,
      } as unknown as RequestInit);
      expect(r.status).toBe(204);
      headers.push(r.headers.get('x-ms-throttle-limit-percentage'));
    }
    expect(headers.slice(0, 4)).toEqual([null, null, null, null]);
    expect(headers[4]).toBe('1.00');
  });
});

describe('Graph fault injection', () => {
  it('fails the next N requests with a status and code', async () => {
    emu.injectFault({ path: '/v1.0/users', method: 'PATCH', status: 500, reason: 'UnknownError', message: 'Injected.', times: 2 });
    for (let i = 0; i < 2; i++)
      expect(await failure(patchAlex())).toMatchObject({ statusCode: 500, code: 'UnknownError', message: 'Injected.' });
    await patchAlex();
  });

  it('a 503 with Retry-After is retried by the client', async () => {
    emu.resetRequestCounts();
    emu.injectFault({ path: '/v1.0/users/alex@contoso.com', status: 503, retryAfterSeconds: 1 });
    await patchAlex(true);
    expect(emu.requestCounts()[PATCH]).toBe(2);
  });

  it('drops connections and adds latency; faults also come through the admin API', async () => {
    emu.injectFault({ path: '*', method: 'PATCH', drop: true });
    const dropped = await failure(patchAlex());
    expect(dropped.statusCode ?? -1).toBeLessThanOrEqual(0);
    emu.injectFault({ path: '/v1.0/users', latencyMs: 200 });
    await patchAlex();
    const r = await fetch(`${emu.url}__admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/v1.0/users', method: 'GET', status: 404, reason: 'Request_ResourceNotFound', message: 'gone' }),
      dispatcher: entraFetchDispatcher(emu),
    } as unknown as RequestInit);
    expect(r.status).toBe(200);
    expect(await failure(graph.api('/users/alex@contoso.com').get())).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
  });
});
