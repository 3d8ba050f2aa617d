// What both emulators expose to tests and tools, in process and over the HTTP admin API.
import * as t from 'io-ts';
import type { ErrorAnswer } from './requestStats.js';
import type { ActiveFault, FaultSpec } from './faults.js';
import type { QuotaSpec } from './tokenBucket.js';

export const QuotaSpecCodec = t.union([t.null, t.type({ limit: t.number, windowSeconds: t.number })]);

export interface SeedRejected {
  readonly _tag: 'SeedRejected';
  readonly message: string;
}

export interface UnknownQuota {
  readonly _tag: 'UnknownQuota';
  readonly name: string;
  readonly known: ReadonlyArray<string>;
}

export interface EmulatorControl<Q extends string> {
  /** Fail, delay or drop the next matching requests; returns the fault's id. */
  readonly injectFault: (spec: FaultSpec) => number;
  readonly clearFaults: () => void;
  readonly faults: () => ReadonlyArray<ActiveFault>;
  /** Change a quota at run time (`null`: unlimited); its buckets restart full. */
  readonly setQuota: (name: Q, spec: QuotaSpec | null) => void;
  readonly quotas: () => Readonly<Record<Q, QuotaSpec | null>>;
  /** Requests served per `METHOD /route/pattern` (admin API excluded). */
  readonly requestCounts: () => Readonly<Record<string, number>>;
  readonly resetRequestCounts: () => void;
  /** Every error answer (status ≥ 400, API and token endpoints) since start or the last reset: the emulator's own count of throttling and refusals. */
  readonly errorAnswers: () => ReadonlyArray<ErrorAnswer>;
  /** Moves the emulator's clock forward (token expiry, quota refill) without waiting. */
  readonly advanceClock: (seconds: number) => void;
}
