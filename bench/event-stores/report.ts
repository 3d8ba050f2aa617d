/** One JSON line per figure: the adapter's rate, the raw baseline's in the same run, their ratio. */
export interface Figure {
  readonly figure: string;
  readonly unit: 'events/s';
  readonly value: number;
  readonly baseline: number;
  readonly ratio: number;
  readonly target: number;
  readonly n: number;
}

export const report = (figure: string, n: number, value: number, baseline: number, target: number): Figure => {
  const f: Figure = {
    figure, unit: 'events/s', value: Math.round(value), baseline: Math.round(baseline),
    ratio: Math.round((value / baseline) * 1000) / 1000, target, n,
  };
  process.stdout.write(`${JSON.stringify(f)}\n`);
  return f;
};

/** Events per second of `run`, which does `n` events of work. */
export const rate = async (n: number, run: () => Promise<void>): Promise<number> => {
  const start = process.hrtime.bigint();
  await run();
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
};

/** Alternates adapter and baseline `rounds` times (so drift hits both) and keeps each one's mean. */
export const compare = async (
  rounds: number, ours: (round: number) => Promise<number>, raw: (round: number) => Promise<number>,
): Promise<readonly [number, number]> => {
  let a = 0;
  let b = 0;
  for (let r = 0; r < rounds; r++) {
    b += await raw(r);
    a += await ours(r);
  }
  return [a / rounds, b / rounds];
};

export const scale = (): number => {
  const s = Number(process.env.BENCH_SCALE ?? '1');
  return Number.isFinite(s) && s > 0 ? s : 1;
};
