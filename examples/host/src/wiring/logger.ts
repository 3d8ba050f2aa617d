// pino with redaction: any field named like a credential is replaced, at the top level and nested
// (request headers, bodies, error details), and `Secret` values print as "[redacted]" by themselves.
import pino from 'pino';
import type { Logger } from 'pino';
import type { ConnectorLogger } from '@takeover/connector-kit';
import type { LogLevel } from '../config.js';

const SENSITIVE = ['password', 'current', 'next', 'token', 'sessionToken', 'authorization', 'cookie', 'set-cookie', 'adminPassword', 'clientSecret', 'privateKey', 'apiKey'];

/** `password`, `*.password`, `*.*.password`, … down to four levels, bracketed where the name needs it. */
export const redactPaths = (names: ReadonlyArray<string> = SENSITIVE, depth = 4): ReadonlyArray<string> => {
  const key = (n: string) => (/^[A-Za-z_$][\w$]*$/.test(n) ? n : `["${n}"]`);
  const out: string[] = [];
  for (const n of names) {
    for (let d = 0; d < depth; d++) {
      const prefix = Array.from({ length: d }, () => '*').join('.');
      const k = key(n);
      out.push(prefix === '' ? k : k.startsWith('[') ? `${prefix}${k}` : `${prefix}.${k}`);
    }
  }
  return out;
};

export const createLogger = (level: LogLevel, destination?: NodeJS.WritableStream): Logger =>
  pino({ level, base: { service: 'takeover-host' }, redact: { paths: [...redactPaths()], censor: '[redacted]' } }, destination ?? pino.destination(1));

/** The connectors' and engine's logger port on top of pino (fields first, message second, as pino wants). */
export const connectorLogger = (logger: Logger): ConnectorLogger => ({
  debug: (message, fields) => logger.debug(fields ?? {}, message),
  info: (message, fields) => logger.info(fields ?? {}, message),
  warn: (message, fields) => logger.warn(fields ?? {}, message),
  error: (message, fields) => logger.error(fields ?? {}, message),
});
