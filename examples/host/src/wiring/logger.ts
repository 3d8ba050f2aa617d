// pino with redaction: any field named like a credential is replaced, at the top level and nested
// (request headers, bodies, error details), and `Secret` values print as "[redacted]" by themselves.
// Before the redaction, every line is reduced to plain data (no Buffer, socket or class instance).
import pino from 'pino';
import type { Logger } from 'pino';
import type { ConnectorLogger } from '@takeover/connector-kit';
import type { LogLevel } from '../config.js';

const SENSITIVE = [
  'password',
  'current',
  'next',
  'token',
  'sessionToken',
  'authorization',
  'cookie',
  'set-cookie',
  'adminPassword',
  'clientSecret',
  'privateKey',
  'apiKey',
];

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

const MAX_DEPTH = 8;

/**
 * What a log line may carry before redaction walks it: plain objects, arrays and primitives. The
 * redaction (`@pinojs/redact`) copies what its wildcards reach and throws on a Buffer or typed array
 * (issue 17 #1: Fastify's trace line for a malformed request holds the raw bytes, and the throw
 * killed the process); class instances (sockets, streams) are no business of a log line either.
 */
export const loggable = (value: unknown, depth = 0): unknown => {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? '[function]' : value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[binary ${String(value.byteLength)} bytes]`;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (value instanceof Error) {
    const e = value as Error & { type?: unknown; code?: unknown; statusCode?: unknown };
    // Its name, message, stack and code only: whatever else hangs on it (raw packets, sockets) stays out.
    return loggable(
      {
        type: typeof e.type === 'string' ? e.type : e.name,
        message: e.message,
        stack: e.stack,
        ...(e.code === undefined ? {} : { code: e.code }),
        ...(e.statusCode === undefined ? {} : { statusCode: e.statusCode }),
      },
      depth,
    );
  }
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => loggable(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    if (value instanceof Date) return value.toISOString();
    // A Secret prints itself as "[redacted]"; anything else with a class is named, not walked.
    return Object.prototype.toString.call(value) === '[object Secret]'
      ? '[redacted]'
      : `[${(value as { constructor?: { name?: string } }).constructor?.name ?? 'object'}]`;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, loggable(v, depth + 1)]));
};

export const createLogger = (level: LogLevel, destination?: NodeJS.WritableStream): Logger =>
  pino(
    {
      level,
      base: { service: 'takeover-host' },
      // Runs before the serializers and the redaction. `req` and `res` are left to their serializers
      // (which keep a few plain fields); everything else reaches the redaction as plain data.
      formatters: {
        log: (object) => Object.fromEntries(Object.entries(object).map(([k, v]) => [k, k === 'req' || k === 'res' ? v : loggable(v)])),
      },
      // `loggable` already made an error plain ({ type, message, stack, code }).
      serializers: { err: (e: unknown) => e },
      redact: { paths: [...redactPaths()], censor: '[redacted]' },
    },
    destination ?? pino.destination(1),
  );

/** The connectors' and engine's logger port on top of pino (fields first, message second, as pino wants). */
export const connectorLogger = (logger: Logger): ConnectorLogger => ({
  debug: (message, fields) => logger.debug(fields ?? {}, message),
  info: (message, fields) => logger.info(fields ?? {}, message),
  warn: (message, fields) => logger.warn(fields ?? {}, message),
  error: (message, fields) => logger.error(fields ?? {}, message),
});
