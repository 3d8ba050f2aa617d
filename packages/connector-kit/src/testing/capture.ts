import { inspect } from 'node:util';
import type { ConnectorLogger } from '../logger.js';

/** Everything a check saw leave the connector: console output, logger calls, errors, thrown values. */
export interface Capture {
  readonly logger: ConnectorLogger;
  readonly record: (where: string, value: unknown) => void;
  /** Texts that contain any of `needles`, as `where: excerpt`. */
  readonly search: (needles: ReadonlyArray<string>) => ReadonlyArray<string>;
  readonly restoreConsole: () => void;
}

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

const render = (value: unknown): string => {
  const parts = [inspect(value, { depth: 12, showHidden: true, getters: true })];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // circular: inspect above already covers it
  }
  if (value instanceof Error) parts.push(String(value.message), String(value.stack));
  return parts.join('\n');
};

/** Starts capturing: console methods are replaced (and silenced) until `restoreConsole`. */
export const startCapture = (): Capture => {
  const texts: Array<{ where: string; text: string }> = [];
  const record = (where: string, value: unknown): void => {
    texts.push({ where, text: render(value) });
  };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved only to be put back on `console` itself
  const saved = consoleMethods.map((m) => [m, console[m]] as const);
  for (const m of consoleMethods) console[m] = (...args: unknown[]) => record(`console.${m}`, args);
  const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => record(`logger.${level}`, { message, fields });
  return {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    record,
    search: (needles) =>
      texts.flatMap(({ where, text }) =>
        needles.filter((n) => text.includes(n)).map(() => `${where}: ${text.slice(0, 300)}`)),
    restoreConsole: () => {
      for (const [m, f] of saved) console[m] = f;
    },
  };
};
