// The shape every benchmark scenario has, so `npm run bench` (bench/run.ts) can run them all, print
// one table and write bench/results/latest.json. Figures are ours and the baseline's, measured in the
// same run on the same machine; claims are the ratio, never an absolute time.

/** `BENCH_SCALE` (default 1): every scenario multiplies its sizes by it (0.02 for the CI smoke run), never below a size that still measures something. */
export interface BenchContext {
  readonly scale: number;
  /** Scales a size and rounds it, at least `min` (default 1). */
  readonly sized: (full: number, min?: number) => number;
  /** PostgreSQL connection settings from PGHOST/PGUSER/PGDATABASE (the scenario makes its own schemas and drops them). */
  readonly pg: { readonly host: string; readonly user: string; readonly database: string; readonly port: number };
  /** A progress line on stderr (stdout carries the table). */
  readonly log: (line: string) => void;
}

/** One measured figure, ours against the baseline. */
export interface Figure {
  /** e.g. `append events/s, 8 writers`. */
  readonly name: string;
  readonly unit: string;
  readonly ours: number;
  /** What the baseline got on the same figure; absent where a figure has no baseline (e.g. lost events of a peer that is itself the comparison). */
  readonly baseline?: number;
  /** Other contenders on the same figure (e.g. `emmett-postgresql`). */
  readonly peers?: Readonly<Record<string, number>>;
  /** ours ÷ baseline, oriented so that higher is better (for a time or a count of faults, baseline ÷ ours; say which in `note`). */
  readonly ratio?: number;
  /** The target, in the same orientation as `ratio` (e.g. 0.85), or an absolute (e.g. 0 lost events) with `targetKind`. */
  readonly target?: number;
  readonly targetKind?: 'ratio-at-least' | 'at-most' | 'equals';
  readonly met?: boolean;
  readonly note?: string;
}

export interface ScenarioResult {
  readonly scenario: string;
  /** What ran: sizes after scaling, writers, … */
  readonly parameters: Readonly<Record<string, number | string | boolean>>;
  readonly baselineDescription: string;
  /** What the peers in `Figure.peers` are and how they were driven (e.g. emmett-postgresql 0.42.0 through its public API). */
  readonly peerDescription?: string;
  readonly figures: ReadonlyArray<Figure>;
  /** Package versions that matter here (ours and the peers'). */
  readonly versions: Readonly<Record<string, string>>;
  readonly durationMs: number;
}

export interface Scenario {
  /** Short id used on the command line: `npm run bench -- login-storm`. */
  readonly id: string;
  readonly title: string;
  readonly run: (context: BenchContext) => Promise<ScenarioResult>;
}
