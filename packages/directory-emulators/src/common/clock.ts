// The emulators' clock: real time plus an offset a test can advance (token expiry, bucket refill)
// without waiting. Clients keep their own clocks; only the emulator's view of "now" moves.
export interface Clock {
  /** Milliseconds since the epoch, as the emulator sees it. */
  readonly now: () => number;
  readonly advance: (seconds: number) => void;
}

export const offsetClock = (): Clock => {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance: (seconds) => {
      offsetMs += seconds * 1000;
    },
  };
};

export const iso = (ms: number): string => new Date(ms).toISOString();
