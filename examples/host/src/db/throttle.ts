// Login throttling per account and per address, with rate-limiter-flexible: its counters live in the
// host's database (SQLite table in host.db, or a PostgreSQL table shared by every instance), so a
// restart or another instance does not reset them. Only failures count; a success clears the account's.
import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

export interface ThrottleLimits {
  /** Failed logins per account in `windowSeconds` before it is blocked for `blockSeconds`. */
  readonly perAccount: number;
  /** Failed logins per address (all accounts) in the window. */
  readonly perAddress: number;
  readonly windowSeconds: number;
  readonly blockSeconds: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perAccount: 5, perAddress: 50, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };

export interface LoginThrottle {
  /** Seconds to wait when either key is blocked; undefined when the attempt may go ahead. */
  readonly blocked: (account: string, address: string) => Promise<number | undefined>;
  readonly failed: (account: string, address: string) => Promise<void>;
  readonly succeeded: (account: string) => Promise<void>;
}

type Backend = { readonly kind: 'sqlite'; readonly database: Database } | { readonly kind: 'postgres'; readonly pool: Pool; readonly schema: string };

const ready = async (make: (cb: (error?: Error) => void) => RateLimiterAbstract): Promise<RateLimiterAbstract> => {
  let signal: (error?: Error) => void = () => undefined;
  // The executor runs at once, so `signal` is set before the limiter (which may call back synchronously) exists.
  const created = new Promise<void>((resolve, reject) => { signal = (error) => (error === undefined ? resolve() : reject(error)); });
  const limiter = make((error) => signal(error));
  await created;
  return limiter;
};

/** One limiter: `name` is the key prefix and the table name suffix. */
const limiter = (backend: Backend, name: string, points: number, limits: ThrottleLimits): Promise<RateLimiterAbstract> => {
  const common = { keyPrefix: name, points, duration: limits.windowSeconds, blockDuration: limits.blockSeconds, clearExpiredByTimeout: false };
  return backend.kind === 'sqlite'
    ? ready((cb) => new RateLimiterSQLite({ ...common, storeClient: backend.database, storeType: 'better-sqlite3', tableName: `host_throttle_${name}` }, cb))
    : ready((cb) => new RateLimiterPostgres({ ...common, storeClient: backend.pool, storeType: 'pool', schemaName: backend.schema, tableName: `host_throttle_${name}` }, cb));
};

const secondsOf = (res: RateLimiterRes): number => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

export const loginThrottle = async (backend: Backend, limits: ThrottleLimits = DEFAULT_THROTTLE): Promise<LoginThrottle> => {
  const accounts = await limiter(backend, 'account', limits.perAccount, limits);
  const addresses = await limiter(backend, 'address', limits.perAddress, limits);
  const wait = async (l: RateLimiterAbstract, key: string, points: number): Promise<number | undefined> => {
    const res = await l.get(key);
    return res !== null && res.consumedPoints >= points && res.msBeforeNext > 0 ? secondsOf(res) : undefined;
  };
  const penalise = async (l: RateLimiterAbstract, key: string): Promise<void> => {
    try {
      await l.consume(key);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e; // over the limit: now blocked, which is the point
    }
  };
  return {
    blocked: async (account, address) => {
      const [a, b] = await Promise.all([wait(accounts, account, limits.perAccount), wait(addresses, address, limits.perAddress)]);
      return a === undefined && b === undefined ? undefined : Math.max(a ?? 0, b ?? 0);
    },
    failed: async (account, address) => { await Promise.all([penalise(accounts, account), penalise(addresses, address)]); },
    succeeded: async (account) => { await accounts.delete(account); },
  };
};
