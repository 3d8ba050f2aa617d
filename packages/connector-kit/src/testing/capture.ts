import { inspect } from 'node:util';
import type { ConnectorLogger } from '../logger.js';
import { describeLeak, leakScanner } from './leakScan.js';

/**
 * Everything a check saw leave the connector: its logger, `console.*`, `process.stdout.write` and
 * `process.stderr.write`, errors, results and thrown values.
 */
export interface Capture {
  readonly logger: ConnectorLogger;
  readonly record: (where: string, value: unknown) => void;
  /** Texts that contain any of `secrets` in any encoding the leak scanner knows, as `where: encoding at offset`. */
  readonly search: (secrets: ReadonlyArray<string>) => ReadonlyArray<string>;
  /** Puts `console` and the process streams back. */
  readonly restore: () => void;
}

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const streams = ['stdout', 'stderr'] as const;

/** Every string inside `value`, as it is (rendering would add a layer of escaping the scanner then has to see through). */
const strings = (value: unknown, depth = 0, seen = new Set<unknown>()): string[] => {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || depth > 12 || seen.has(value)) return [];
  seen.add(value);
  const own = value instanceof Error ? [value.message, value.stack ?? ''] : [];
  return [...own, ...Object.values(value).flatMap((v) => strings(v, depth + 1, seen))];
};

const render = (value: unknown): string => {
  const parts = [...strings(value), inspect(value, { depth: 12, showHidden: true, getters: true })];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // circular: inspect above already covers it
  }
  if (value instanceof Error) parts.push(String(value.message), String(value.stack));
  return parts.join('\n');
};

const chunkText = (chunk: unknown): string =>
  typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);

/**
 * Starts capturing: console methods are replaced (and silenced) until `restore`; writes to
 * `process.stdout`/`process.stderr` are recorded, and passed on only when they hold none of
 * `secrets()` (the passwords handed out so far), so a leak is caught without being printed.
 */
export const startCapture = (secrets: () => ReadonlyArray<string>): Capture => {
  const texts: Array<{ where: string; text: string }> = [];
  const record = (where: string, value: unknown): void => {
    texts.push({ where, text: render(value) });
  };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved only to be put back on `console` itself
  const savedConsole = consoleMethods.map((m) => [m, console[m]] as const);
  for (const m of consoleMethods) console[m] = (...args: unknown[]) => record(`console.${m}`, args);
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved only to be put back on the stream itself
  const savedWrites = streams.map((s) => [s, process[s].write] as const);
  for (const [s, original] of savedWrites) {
    const write = (chunk: unknown, ...rest: unknown[]): boolean => {
      const text = chunkText(chunk);
      texts.push({ where: `process.${s}.write`, text });
      if (leakScanner(secrets()).find(text) !== undefined) {
        const done = rest.find((r): r is () => void => typeof r === 'function');
        done?.();
        return true;
      }
      return (original as (...a: unknown[]) => boolean).call(process[s], chunk, ...rest);
    };
    process[s].write = write;
  }
  const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) =>
    record(`logger.${level}`, { message, fields });
  return {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    record,
    search: (wanted) => {
      const scanner = leakScanner(wanted);
      // No excerpt: a deeper-escaped copy of the secret could survive the scrub and reach the report.
      return texts.flatMap(({ where, text }) => scanner.findAll(text).map((hit) => `${where} (${describeLeak(hit)})`));
    },
    restore: () => {
      for (const [m, f] of savedConsole) console[m] = f;
      for (const [s, f] of savedWrites) process[s].write = f;
    },
  };
};
