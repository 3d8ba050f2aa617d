// Timing helpers shared by the scenarios: a rate over a piece of work, rounds that alternate the
// contenders so drift (other load on the machine, a checkpoint, autovacuum) hits all of them alike.

/** Events (or operations) per second of `work`, which does `n` of them. */
export const rate = async (n: number, work: () => Promise<void>): Promise<number> => {
  const start = process.hrtime.bigint();
  await work();
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
};

/**
 * Operations per second of `work` given `seconds`: it is handed the deadline (performance.now() ms),
 * stops at it and resolves to the number of operations done; divided by the time it really took.
 * Time-boxed rates keep a run's length the same whatever the load on the machine.
 */
export const timedRate = async (seconds: number, work: (until: number) => Promise<number>): Promise<number> => {
  const start = performance.now();
  const done = await work(start + seconds * 1000);
  return done / ((performance.now() - start) / 1000);
};

/**
 * Runs every contender once per round, in the order given, `rounds` times, and returns each one's
 * mean. `measure(round)` does the work and returns its rate.
 */
export const alternate = async <K extends string>(
  rounds: number,
  contenders: Readonly<Record<K, (round: number) => Promise<number>>>,
): Promise<Record<K, number>> => {
  const keys = Object.keys(contenders) as K[];
  const sums = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (let r = 0; r < rounds; r++) {
    for (const k of keys) sums[k] += await contenders[k](r);
  }
  return Object.fromEntries(keys.map((k) => [k, sums[k] / rounds])) as Record<K, number>;
};

export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** `ours ÷ baseline`, rounded to 3 digits (higher is better for rates). */
export const ratioOf = (ours: number, baseline: number): number => round(ours / baseline, 3);

/** A figure of events/s against a baseline and a `ratio-at-least` target. */
export const rateFigure = (
  name: string,
  ours: number,
  baseline: number,
  target: number | undefined,
  peers?: Readonly<Record<string, number>>,
) => {
  const ratio = ratioOf(ours, baseline);
  return {
    name,
    unit: 'events/s',
    ours: Math.round(ours),
    baseline: Math.round(baseline),
    ratio,
    ...(peers === undefined ? {} : { peers: Object.fromEntries(Object.entries(peers).map(([k, v]) => [k, Math.round(v)])) }),
    ...(target === undefined ? {} : { target, targetKind: 'ratio-at-least' as const, met: ratio >= target }),
  };
};
