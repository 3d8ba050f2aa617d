// An SVG bar chart of every figure that has a ratio (ours against its baseline, higher is better)
// with its target marked: bench/results/latest.svg, copied to docs/ for docs/performance.md.
import type { Outcome } from './table.js';

const escape = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export const ratioChart = (outcomes: ReadonlyArray<Outcome>, caption: string): string => {
  const bars = outcomes.flatMap((o) =>
    o.figures
      .filter((f) => f.ratio !== undefined && Number.isFinite(f.ratio))
      .map((f) => ({
        label: `${o.id}: ${f.name}`,
        ratio: f.ratio ?? 0,
        target: f.targetKind === 'ratio-at-least' ? f.target : undefined,
        met: f.met,
      })),
  );
  const labelWidth = 330;
  const plotWidth = 420;
  const rowHeight = 22;
  const top = 34;
  const max = Math.max(2, ...bars.map((b) => Math.ceil(b.ratio * 2) / 2));
  const x = (v: number) => labelWidth + (Math.min(v, max) / max) * plotWidth;
  const height = top + bars.length * rowHeight + 40;
  const width = labelWidth + plotWidth + 70;
  const ticks = Array.from({ length: Math.floor(max / 0.5) + 1 }, (_, i) => i * 0.5);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${labelWidth}" y="16" font-weight="bold">ours ÷ baseline (higher is better; | = target)</text>`,
    ...ticks.map(
      (t) =>
        `<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${top + bars.length * rowHeight}" stroke="${t === 1 ? '#888' : '#ddd'}"/><text x="${x(t)}" y="${top + bars.length * rowHeight + 14}" text-anchor="middle" fill="#555">${t.toFixed(1)}</text>`,
    ),
    ...bars.flatMap((b, i) => {
      const y = top + i * rowHeight;
      const colour = b.met === false ? '#d9534f' : b.met === true ? '#5cb85c' : '#8aa4c8';
      return [
        `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escape(b.label)}</text>`,
        `<rect x="${labelWidth}" y="${y + 4}" width="${Math.max(1, x(b.ratio) - labelWidth)}" height="${rowHeight - 8}" fill="${colour}"/>`,
        `<text x="${x(b.ratio) + 4}" y="${y + 15}">${b.ratio.toFixed(2)}</text>`,
        ...(b.target === undefined
          ? []
          : [`<line x1="${x(b.target)}" y1="${y + 1}" x2="${x(b.target)}" y2="${y + rowHeight - 1}" stroke="black" stroke-width="2"/>`]),
      ];
    }),
    `<text x="8" y="${height - 8}" fill="#555">${escape(caption)}</text>`,
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
};
