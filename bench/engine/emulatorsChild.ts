// The login storm's directories, in their own process (as Google and Microsoft are not in the host's):
// started with `fork` by bench/engine/stormDirectories.ts. Starts both emulators at the given quotas
// with a low scrypt cost, seeds the users, answers over IPC with the endpoints and the users' ids, and
// later with request statistics (from the emulators' per-request log lines) and password checks.
import * as E from 'fp-ts/lib/Either.js';
import { startEntraEmulator, startGoogleEmulator } from '@takeover/directory-emulators';
import type { StormStats } from './stormProtocol.js';
import { ChildRequest, StartRequest } from './stormProtocol.js';

interface Hit {
  readonly at: number;
  readonly status: number;
  readonly counted: boolean;
  readonly ms: number;
}

/** Emulator log line `METHOD /path STATUS 12ms` → when, its status, whether the quota counts it, server time. */
const hitOf =
  (counts: (method: string, path: string) => boolean) =>
  (line: string): Hit => {
    const [method = '', path = '', status = '0', ms = '0'] = line.split(' ');
    return { at: Date.now(), status: Number(status), counted: counts(method, path), ms: Number.parseFloat(ms) };
  };

const send = (message: unknown): void => {
  if (process.send === undefined) throw new Error('emulatorsChild: run me with fork (IPC)');
  process.send(message);
};

const quantile = (xs: ReadonlyArray<number>, q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
};

const stats = (hits: ReadonlyArray<Hit>, since: number, warmUpMs: number, throttle: (status: number) => boolean): StormStats => {
  const during = hits.filter((h) => h.counted && h.at >= since);
  const admitted = during.filter((h) => !throttle(h.status));
  return {
    admitted: admitted.length,
    throttledAfterWarmUp: during.filter((h) => throttle(h.status) && h.at > since + warmUpMs).length,
    throttledTotal: during.filter((h) => throttle(h.status)).length,
    lastAdmittedAt: admitted.reduce((m, h) => Math.max(m, h.at), since),
    serverMsP50: quantile(
      during.map((h) => h.ms),
      0.5,
    ),
    serverMsP99: quantile(
      during.map((h) => h.ms),
      0.99,
    ),
  };
};

const main = async (request: StartRequest) => {
  const googleHits: Hit[] = [];
  const entraHits: Hit[] = [];
  const google = await startGoogleEmulator({
    scryptN: 16,
    quotas: { perUser: request.google.perUser },
    log: (l) => {
      googleHits.push(hitOf((_m, p) => p.startsWith('/admin/directory/'))(l));
    },
  });
  const entra = await startEntraEmulator({
    scryptN: 16,
    quotas: { appTenantWrites: request.entra.appTenantWrites, tenantWrites: request.entra.tenantWrites },
    log: (l) => {
      entraHits.push(hitOf((m, p) => m !== 'GET' && p.startsWith('/v1.0/'))(l));
    },
  });
  const entraDomain = entra.tenants[0]?.domains[0] ?? 'contoso.com';
  const names = request.names;
  const seededG = await google.seed({
    users: names.map((n) => ({ primaryEmail: `${n}@example.com`, givenName: 'Storm', familyName: n, password: request.seedPassword })),
  });
  const seededE = await entra.seed({
    tenants: [
      {
        id: entra.tenantId,
        domains: [entraDomain],
        users: names.map((n) => ({
          userPrincipalName: `${n}@${entraDomain}`,
          mail: `${n}@${entraDomain}`,
          displayName: `Storm ${n}`,
          givenName: 'Storm',
          surname: n,
          password: request.seedPassword,
        })),
      },
    ],
  });
  if (E.isLeft(seededG) || E.isLeft(seededE)) throw new Error('emulatorsChild: an emulator refused the seed');
  send({
    type: 'ready',
    google: {
      serviceAccountJson: JSON.stringify(google.credentials),
      adminEmail: google.adminEmail,
      url: google.url,
      tokenUrl: google.tokenUrl,
      domain: google.domains[0] ?? 'example.com',
    },
    entra: {
      tenantId: entra.app.tenantId,
      clientId: entra.app.clientId,
      clientSecret: entra.app.clientSecret,
      authorityHost: entra.authorityHost,
      graphBaseUrl: entra.graphBaseUrl,
      caPem: entra.caPem,
      domain: entraDomain,
    },
    googleIds: names.map((n) => google.user(`${n}@example.com`)?.id ?? ''),
    entraIds: names.map((n) => entra.user(`${n}@${entraDomain}`)?.id ?? ''),
  });

  process.on('message', (raw: unknown) => {
    void (async () => {
      const decoded = ChildRequest.decode(raw);
      if (E.isLeft(decoded)) {
        send({ type: 'error', message: 'emulatorsChild: unknown request' });
        return;
      }
      const r = decoded.right;
      if (r.type === 'stats') {
        send({
          type: 'stats',
          google: stats(googleHits, r.since, r.warmUpMs, (s) => s === 429 || s === 403),
          entra: stats(entraHits, r.since, r.warmUpMs, (s) => s === 429),
        });
      } else if (r.type === 'passwords') {
        let notLatest = 0;
        let olderWins = 0;
        for (const [i, n] of names.entries()) {
          const twice = r.twice.includes(i);
          const latest = twice ? r.second : r.first;
          for (const matches of [
            (p: string) => google.passwordMatches(`${n}@example.com`, p),
            (p: string) => entra.passwordMatches(`${n}@${entraDomain}`, p),
          ]) {
            if (await matches(latest)) continue;
            notLatest++;
            if (twice && (await matches(r.first))) olderWins++;
          }
        }
        send({ type: 'passwords', notLatest, olderWins });
      } else {
        await google.close();
        await entra.close();
        send({ type: 'closed' });
        process.disconnect();
      }
    })().catch((e: unknown) => {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    });
  });
};

process.once('message', (raw: unknown) => {
  const start = StartRequest.decode(raw);
  if (E.isLeft(start)) {
    send({ type: 'error', message: 'emulatorsChild: the first message must be the start request' });
    return;
  }
  main(start.right).catch((e: unknown) => {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  });
});
