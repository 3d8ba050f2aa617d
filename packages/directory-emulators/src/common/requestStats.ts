// Request counts per `METHOD /route/pattern` (as the emulator routed it), for tests and evaluators.
export interface RequestStats {
  readonly count: (key: string) => void;
  readonly snapshot: () => Readonly<Record<string, number>>;
  readonly reset: () => void;
}

export const requestStats = (): RequestStats => {
  let counts = new Map<string, number>();
  return {
    count: (key) => {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    snapshot: () => Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b))),
    reset: () => {
      counts = new Map();
    },
  };
};
