// Attack: the demo directories' /__admin API (state dump with verifiers, seed, unthrottled password
// check) answers only with the per-run token the host holds (issue 17 #9).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { startDemoEmulators, type DemoEmulators } from '../../src/wiring/emulators.js';

let demo: DemoEmulators;
let dir = '';
let agent: Agent;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'takeover-emu-admin-'));
  demo = await startDemoEmulators({ dir, scryptN: 1024 });
  agent = new Agent({ connect: { ca: demo.microsoft?.caPem ?? '' } });
}, 120_000);
afterAll(async () => {
  await demo.close();
  await agent.close();
  await rm(dir, { recursive: true, force: true });
});

const adminUrls = (): ReadonlyArray<readonly [string, string]> => [
  ['google', new URL('__admin/state', demo.google?.url ?? '').toString()],
  ['microsoft', new URL('/__admin/state', demo.microsoft?.url ?? '').toString()],
];

test.each(['no credential', 'a wrong token', 'a token with a different length'] as const)(
  '%s: 401 from both emulators, no state',
  async (which) => {
    const headers: Record<string, string> =
      which === 'no credential'
        ? {}
        : { authorization: `Bearer ${which === 'a wrong token' ? 'x'.repeat(demo.adminToken.length) : 'short'}` };
    for (const [name, url] of adminUrls()) {
      const res = await fetch(url, { headers, dispatcher: agent } as RequestInit);
      const text = await res.text();
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(text).not.toContain('passwordVerifier');
    }
  },
);

test("the host's token: 200 from both; a percent-encoded path is refused as well", async () => {
  for (const [name, url] of adminUrls()) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${demo.adminToken}` }, dispatcher: agent } as RequestInit);
    expect({ name, status: res.status }).toEqual({ name, status: 200 });
    const encoded = url.replace('/__admin/', '/%5F%5Fadmin/');
    const sneaky = await fetch(encoded, { dispatcher: agent } as RequestInit);
    expect({ name, sneaky: sneaky.status }).not.toEqual({ name, sneaky: 200 });
  }
});
