// Throttling of everything that checks a secret (logins, the current password of a change, bad
// activation tokens), with rate-limiter-flexible: its counters live in the host's database (SQLite
// table in host.db, or PostgreSQL tables shared by every instance), so a restart or another instance
// does not reset them.
//
// An attempt is *taken* atomically before the secret is checked (issue 17 #4: parallel guesses all
// got checked when the throttle only counted failures afterwards) and given back when the check
// passes, so only failures stay counted. The buckets (issue 17 #6, OWASP's "device cookie" pattern):
// - per (account, address): a guesser from one address;
// - per address (all accounts): one address spraying many accounts;
// - per account from anywhere, for unknown devices only: a guesser rotating addresses. Past it the
//   account waits a *growing* delay (lockoutSeconds, doubled at each lockout, at most blockSeconds),
//   which a correct password from a known device (one that logged in to this account before) does
//   not wait: a known device has its own bucket and is never held by what others did.
import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

export interface ThrottleLimits {
  /** Attempts per (account, address), and per known device, in `windowSeconds`. */
  readonly perAccount: number;
  /** Attempts per address (all accounts) in the window. */
  readonly perAddress: number;
  readonly windowSeconds: number;
  /** The longest wait an account lockout grows to. */
  readonly blockSeconds: number;
  /** Attempts per account from unknown devices (any address) in the window before a lockout (default 10). */
  readonly perAccountAnywhere?: number;
  /** The first lockout's wait; each further lockout within a day doubles it (default 30). */
  readonly lockoutSeconds?: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = {
  perAccount: 5,
  perAddress: 50,
  windowSeconds: 15 * 60,
  blockSeconds: 15 * 60,
  perAccountAnywhere: 10,
  lockoutSeconds: 30,
};

/** What is tried, by whom. */
export interface AttemptKeys {
  /** The kind of check (`portal`, `admin`, `change`, `activation`): separate counters. */
  readonly scope: string;
  /** The account the secret is for (lower-cased email, user id); none for an activation token. */
  readonly account?: string;
  readonly address: string;
  /** A device that logged in to this account before (verified by the caller): only its own bucket applies. */
  readonly knownDevice?: string;
  /** Whether the account-wide bucket applies to an unknown device (logins: yes; a logged-in user's password change: no). */
  readonly accountWide?: boolean;
}

export type Attempt =
  | { readonly allowed: false; readonly retryAfterSeconds: number }
  /** Go ahead; call `passed` when the secret was right (gives the attempt back). */
  | { readonly allowed: true; readonly passed: () => Promise<void> };

export interface LoginThrottle {
  /** Takes one attempt from each bucket that applies, before the check. */
  readonly take: (keys: AttemptKeys) => Promise<Attempt>;
}

export type ThrottleBackend =
  { readonly kind: 'sqlite'; readonly database: Database } | { readonly kind: 'postgres'; readonly pool: Pool; readonly schema: string };

const ready = async (make: (cb: (error?: Error) => void) => RateLimiterAbstract): Promise<RateLimiterAbstract> => {
  let signal: (error?: Error) => void = () => undefined;
  // The executor runs at once, so `signal` is set before the limiter (which may call back synchronously) exists.
  const created = new Promise<void>((resolve, reject) => {
    signal = (error) => (error === undefined ? resolve() : reject(error));
  });
  const limiter = make((error) => signal(error));
  await created;
  return limiter;
};

/** One limiter: `name` is the key prefix and the table name suffix. */
const limiter = (backend: ThrottleBackend, name: string, points: number, durationSeconds: number): Promise<RateLimiterAbstract> => {
  const common = { keyPrefix: name, points, duration: durationSeconds, clearExpiredByTimeout: false };
  return backend.kind === 'sqlite'
    ? ready(
        (cb) =>
          new RateLimiterSQLite(
            { ...common, storeClient: backend.database, storeType: 'better-sqlite3', tableName: `host_throttle_${name}` },
            cb,
          ),
      )
    : ready(
        (cb) =>
          new RateLimiterPostgres(
            { ...common, storeClient: backend.pool, storeType: 'pool', schemaName: backend.schema, tableName: `host_throttle_${name}` },
            cb,
          ),
      );
};

const secondsOf = (res: RateLimiterRes): number => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

export const loginThrottle = async (backend: ThrottleBackend, limits: ThrottleLimits = DEFAULT_THROTTLE): Promise<LoginThrottle> => {
  const anywhere = limits.perAccountAnywhere ?? DEFAULT_THROTTLE.perAccountAnywhere ?? 10;
  const firstLockout = limits.lockoutSeconds ?? DEFAULT_THROTTLE.lockoutSeconds ?? 30;
  const pairs = await limiter(backend, 'pair', limits.perAccount, limits.windowSeconds);
  const addresses = await limiter(backend, 'address', limits.perAddress, limits.windowSeconds);
  const accounts = await limiter(backend, 'account', anywhere, limits.windowSeconds);
  const lockouts = await limiter(backend, 'lockout', 1_000_000, 24 * 3600);

  /** The wait when `key` is over its limit in `l`, after taking one point; undefined when taken. */
  const takeOne = async (l: RateLimiterAbstract, key: string): Promise<RateLimiterRes | undefined> => {
    try {
      await l.consume(key);
      return undefined;
    } catch (e) {
      if (e instanceof RateLimiterRes) return e;
      throw e;
    }
  };

  /** The account just went over its limit: lock it for a delay that doubles with each lockout today. */
  const lockAccount = async (key: string, res: RateLimiterRes): Promise<number> => {
    if (res.consumedPoints !== anywhere + 1) return secondsOf(res); // already locked: the wait left
    const count = (await lockouts.consume(key)).consumedPoints;
    const seconds = Math.min(limits.blockSeconds, firstLockout * 2 ** Math.min(20, count - 1));
    await accounts.block(key, seconds);
    return seconds;
  };

  return {
    take: async ({ scope, account = '', address, knownDevice, accountWide = false }) => {
      const buckets: ReadonlyArray<readonly [RateLimiterAbstract, string]> =
        knownDevice !== undefined
          ? [[pairs, `${scope}|${account}|device:${knownDevice}`]]
          : [
              [pairs, `${scope}|${account}|${address}`],
              [addresses, `${scope}|${address}`],
              ...(accountWide && account !== '' ? [[accounts, `${scope}|${account}`] as const] : []),
            ];
      const taken: Array<readonly [RateLimiterAbstract, string]> = [];
      const giveBack = () => Promise.all(taken.map(([l, key]) => l.reward(key, 1))).then(() => undefined);
      for (const [l, key] of buckets) {
        const over = await takeOne(l, key);
        if (over !== undefined) {
          // Refused without a check: what this attempt took from the other buckets goes back.
          const wait = l === accounts ? await lockAccount(key, over) : secondsOf(over);
          await giveBack();
          return { allowed: false, retryAfterSeconds: wait };
        }
        taken.push([l, key]);
      }
      return { allowed: true, passed: giveBack };
    },
  };
};
