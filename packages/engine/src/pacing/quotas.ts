/** How fast, and how many at once, the engine may call one directory. */
export interface PacingOptions {
  /** Requests per second at most (the provider's quota, less a margin). */
  readonly ratePerSecond: number;
  /** Requests in flight at most. */
  readonly maxInFlight: number;
  /** The rate never adapts below this (default 1/s). */
  readonly minRatePerSecond?: number;
}

/**
 * Sized from the providers' published quotas, with 10% kept back for the admin's own tools:
 * Google's Directory API allows 40 queries per second per project user (2,400/min);
 * Microsoft Graph allows about 20 writes per second per app and tenant for user updates.
 * An unknown kind gets a cautious 10/s.
 */
export const knownQuotas: Readonly<Record<string, PacingOptions>> = {
  'google-workspace': { ratePerSecond: 36, maxInFlight: 16 },
  'microsoft-entra': { ratePerSecond: 18, maxInFlight: 8 },
};

export const defaultPacing: PacingOptions = { ratePerSecond: 10, maxInFlight: 4 };

export const pacingFor = (kind: string, overrides: Readonly<Record<string, PacingOptions>> = {}): PacingOptions =>
  overrides[kind] ?? knownQuotas[kind] ?? defaultPacing;
