// Request counts per `METHOD /route/pattern` (as the emulator routed it), and every error answer
// (status, the provider's reason or code, when), for tests and evaluators: an oracle that does not
// depend on what the client under test reports.
export interface ErrorAnswer {
  /** Milliseconds since the epoch (the wall clock, not the emulator's clock). */
  readonly at: number;
  readonly route: string;
  readonly status: number;
  /** Google's `error.errors[0].reason`, Graph's `error.code`; '' when the body has neither. */
  readonly reason: string;
}

export interface RequestStats {
  readonly count: (key: string) => void;
  readonly snapshot: () => Readonly<Record<string, number>>;
  readonly answered: (answer: ErrorAnswer) => void;
  readonly errorAnswers: () => ReadonlyArray<ErrorAnswer>;
  readonly reset: () => void;
}

/** The reason or code in a Google or Graph error body. */
export const errorReason = (payload: unknown): string => {
  if (typeof payload !== 'string') return '';
  try {
    const e = (JSON.parse(payload) as { error?: { code?: unknown; errors?: Array<{ reason?: unknown }> } }).error;
    const reason = e?.errors?.[0]?.reason ?? e?.code;
    return typeof reason === 'string' ? reason : '';
  } catch {
    return '';
  }
};

export const requestStats = (): RequestStats => {
  let counts = new Map<string, number>();
  let errors: ErrorAnswer[] = [];
  return {
    answered: (a) => {
      errors.push(a);
    },
    errorAnswers: () => [...errors],
    count: (key) => {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    snapshot: () => Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b))),
    reset: () => {
      counts = new Map();
      errors = [];
    },
  };
};
