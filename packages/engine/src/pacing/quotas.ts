/** How fast, and how many at once, the engine may call one directory. */
export interface PacingOptions {
  /** Requests per second at most (the provider's quota, less a margin). */
  readonly ratePerSecond: number;
  /** Requests in flight at most. */
  readonly maxInFlight: number;
  /** The rate never adapts below this (default 1/s). */
  readonly minRatePerSecond?: number;
  /**
   * How far behind its schedule the pacer may catch up at once, in ms of requests at the current
   * rate (default 100, `CATCH_UP_MS`): slots a stalled event loop (or a full `maxInFlight`) let pass
   * are made up to this much, the rest are forfeited. 100 ms keeps every second under a per-second
   * quota with the 10 % margin; a quota counted over a longer window tolerates more (see `knownQuotas`).
   */
  readonly catchUpMs?: number;
  /**
   * The first call to the directory on this instance runs alone (default true): until it has ended,
   * no other starts and, in front of a shared budget, no slot is reserved. That call pays for what
   * a cold instance lacks (the connector's access token, the TLS connection); the requests behind it
   * would otherwise start in their slots, wait on the same token, and reach the directory together,
   * a burst a one-second quota bucket refuses.
   */
  readonly firstCallAlone?: boolean;
}

/**
 * Sized from the providers' published quotas, with 10% kept back for the admin's own tools:
 * Google's Directory API allows 40 queries per second per project user (2,400/min);
 * Microsoft Graph allows about 20 writes per second per app and tenant for user updates (3,000 per
 * 150 s). An unknown kind gets a cautious 10/s.
 *
 * Both quotas are counted over long windows (60 s, 150 s), so the pacer may make up a whole second
 * of slots a stall let pass (`catchUpMs` 1,000): over any window W it then sends at most
 * 0.9 × quota × W plus one second's worth, under the quota whenever W ≥ 9 s (the 10 % margin of a
 * 60 s window is 6 s worth). With 100 ms, a loaded host forfeits every stall beyond it for good
 * (the login storm on a 2-core machine at load 13 achieved 17.4/s of Graph's 18/s).
 */
export const knownQuotas: Readonly<Record<string, PacingOptions>> = {
  'google-workspace': { ratePerSecond: 36, maxInFlight: 16, catchUpMs: 1_000 },
  'microsoft-entra': { ratePerSecond: 18, maxInFlight: 8, catchUpMs: 1_000 },
};

export const defaultPacing: PacingOptions = { ratePerSecond: 10, maxInFlight: 4 };

export const pacingFor = (kind: string, overrides: Readonly<Record<string, PacingOptions>> = {}): PacingOptions =>
  overrides[kind] ?? knownQuotas[kind] ?? defaultPacing;
