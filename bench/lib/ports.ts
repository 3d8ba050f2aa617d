// A free port for a host the benchmark starts. Picked below net.ipv4.ip_local_port_range: a port
// probed with listen(0) comes from that range, and an outgoing connection (PostgreSQL, fetch) may
// take it between the probe's close and the host's listen (the test harness met that in CI; see
// examples/host/test/support/testHost.ts). Below the range, only another listener can collide, and
// the benchmarks run one scenario at a time.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const ephemeralLow = ((): number => {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
})();

const probe = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

export const freePort = async (): Promise<number> => {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (ephemeralLow - 10_000));
    if (await probe(port)) return port;
  }
};
