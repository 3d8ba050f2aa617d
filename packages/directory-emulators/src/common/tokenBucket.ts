// A token bucket per quota key: `limit` requests per `windowSeconds`, refilled continuously, so a
// burst of `limit` passes and then requests pass at limit/window per second. This is how the
// providers describe their quotas; the exact refill shape is theirs to know (unconfirmed).
import type { Clock } from './clock.js';

export interface QuotaSpec {
  readonly limit: number;
  readonly windowSeconds: number;
}

export type Take =
  | { readonly _tag: 'Granted'; readonly usedFraction: number }
  | { readonly _tag: 'Throttled'; readonly retryAfterSeconds: number; readonly usedFraction: number };

interface Bucket {
  tokens: number;
  at: number;
}

export interface TokenBuckets {
  /** Takes `cost` tokens (default 1: one request; Graph's identity limits count resource units). */
  readonly take: (key: string, cost?: number) => Take;
  readonly spec: () => QuotaSpec | null;
  /** Changes the quota at run time; `null` removes it. Existing buckets restart full. */
  readonly set: (spec: QuotaSpec | null) => void;
}

export const tokenBuckets = (initial: QuotaSpec | null, clock: Clock): TokenBuckets => {
  let spec = initial;
  let buckets = new Map<string, Bucket>();
  const take = (key: string, cost = 1): Take => {
    if (spec === null) return { _tag: 'Granted', usedFraction: 0 };
    const { limit, windowSeconds } = spec;
    const ratePerMs = limit / (windowSeconds * 1000);
    const now = clock.now();
    const b = buckets.get(key) ?? { tokens: limit, at: now };
    b.tokens = Math.min(limit, b.tokens + (now - b.at) * ratePerMs);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { _tag: 'Granted', usedFraction: 1 - b.tokens / limit };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((cost - b.tokens) / ratePerMs / 1000));
    return { _tag: 'Throttled', retryAfterSeconds, usedFraction: 1 };
  };
  return {
    take,
    spec: () => spec,
    set: (next) => {
      spec = next;
      buckets = new Map();
    },
  };
};
