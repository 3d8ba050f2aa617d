// Renders results as the table `npm run bench` prints (aligned text) and as markdown (for
// docs/performance.md): scenario, figure, ours, baseline, peers, ratio, target, met.
import type { Figure } from './scenario.js';

export interface Outcome {
  readonly id: string;
  readonly title: string;
  readonly status: 'ok' | 'failed';
  readonly figures: ReadonlyArray<Figure>;
  readonly error?: string;
}

const num = (n: number | undefined): string => {
  if (n === undefined) return '';
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
};

const targetText = (f: Figure): string => {
  if (f.target === undefined) return '';
  switch (f.targetKind) {
    case 'at-most':
      return `≤ ${num(f.target)}`;
    case 'equals':
      return `= ${num(f.target)}`;
    default:
      return `≥ ${num(f.target)}`;
  }
};

const HEAD = ['scenario', 'figure', 'ours', 'baseline', 'peers', 'ratio', 'target', 'met'] as const;

export const rows = (outcomes: ReadonlyArray<Outcome>): string[][] =>
  outcomes.flatMap((o) => {
    if (o.status === 'failed') return [[o.id, `FAILED: ${(o.error ?? '').split('\n')[0]?.slice(0, 120) ?? ''}`, '', '', '', '', '', 'no']];
    return o.figures.map((f, i) => [
      i === 0 ? o.id : '',
      `${f.name} (${f.unit})`,
      num(f.ours),
      num(f.baseline),
      Object.entries(f.peers ?? {})
        .map(([k, v]) => `${k} ${num(v)}`)
        .join(', '),
      num(f.ratio),
      targetText(f),
      f.met === undefined ? '' : f.met ? 'yes' : 'NO',
    ]);
  });

export const textTable = (outcomes: ReadonlyArray<Outcome>): string => {
  const all = [[...HEAD], ...rows(outcomes)];
  const widths = HEAD.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: ReadonlyArray<string>) =>
    r
      .map((cell, c) => {
        const pad = ' '.repeat(Math.max(0, (widths[c] ?? 0) - [...cell].length));
        return c >= 2 && c !== 4 ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(all[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
};

export const markdownTable = (outcomes: ReadonlyArray<Outcome>): string => {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map((_, c) => (c >= 2 && c !== 4 ? '---:' : '---')).join('|')}|`,
    ...rows(outcomes).map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
};
