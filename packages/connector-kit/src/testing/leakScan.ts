import { inspect } from 'node:util';

/**
 * The shared leak search: one place that knows how a secret may look once something encoded it.
 * Connector conformance, engine and host tests all use it, so a leak in any of these forms fails
 * every one of them:
 *
 * - `plain`: the text itself;
 * - `base64`, `base64url`: at any offset (the secret's bytes preceded by 0, 1 or 2 other bytes
 *   encode three ways; only the characters made of the secret's bits alone are searched);
 * - `hex`, `HEX`;
 * - `url` (`encodeURIComponent`, upper- or lower-case escapes) and `form` (`application/x-www-form-urlencoded`: space → `+`, `!` → `%21`);
 * - `json` (a JSON string's escapes `\"`, `\\`, `\uXXXX`, also every non-ASCII character as
 *   `\uXXXX`, `/` as `\/`, and JSON inside JSON) and `inspect` (`util.inspect`'s quoting).
 */
export type LeakEncoding = 'plain' | 'base64' | 'base64url' | 'hex' | 'HEX' | 'url' | 'form' | 'json' | 'inspect';

export interface LeakHit {
  /** Which secret (its index in the list given to `leakScanner`). */
  readonly secret: number;
  readonly encoding: LeakEncoding;
  /** Where in the text the encoded form starts. */
  readonly offset: number;
}

export interface LeakScanner {
  /** The first leak in `text`, or undefined. */
  readonly find: (text: string) => LeakHit | undefined;
  /** Every leak in `text` (one per secret × encoding form found). */
  readonly findAll: (text: string) => ReadonlyArray<LeakHit>;
  /** `text` with every encoded form of every secret replaced by `[redacted]`. */
  readonly scrub: (text: string) => string;
  /** The searched forms (for a test of the scanner itself). */
  readonly needles: ReadonlyArray<{ readonly secret: number; readonly encoding: LeakEncoding; readonly text: string }>;
}

/** Shorter base64 cores than this would match by chance; the plain and other forms still apply. */
const MIN_BASE64_CORE = 6;

/** The base64 characters of `bytes` preceded by `k` other bytes, keeping only those made of `bytes`' bits. */
const base64Core = (bytes: Buffer, k: number): string => {
  const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
  const first = Math.ceil((8 * k) / 6);
  const last = Math.floor((8 * (k + bytes.length)) / 6); // exclusive: char i covers bits [6i, 6i + 6)
  return encoded.slice(first, last);
};

const percent = (s: string, lower: boolean): string => (lower ? s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()) : s);

const form = (s: string): string => new URLSearchParams({ x: s }).toString().slice(2);

const json = (s: string): string => JSON.stringify(s).slice(1, -1);

const jsonAscii = (s: string): string => json(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const encodings = (secret: string): ReadonlyArray<{ encoding: LeakEncoding; text: string }> => {
  const bytes = Buffer.from(secret, 'utf8');
  const out: Array<{ encoding: LeakEncoding; text: string }> = [{ encoding: 'plain', text: secret }];
  for (const k of [0, 1, 2]) {
    const core = base64Core(bytes, k);
    if (core.length < MIN_BASE64_CORE) continue;
    out.push({ encoding: 'base64', text: core }, { encoding: 'base64url', text: core.replace(/\+/g, '-').replace(/\//g, '_') });
  }
  out.push({ encoding: 'hex', text: bytes.toString('hex') }, { encoding: 'HEX', text: bytes.toString('hex').toUpperCase() });
  for (const lower of [false, true]) {
    out.push(
      { encoding: 'url', text: percent(encodeURIComponent(secret), lower) },
      { encoding: 'form', text: percent(form(secret), lower) },
    );
  }
  out.push(
    { encoding: 'json', text: json(secret) },
    { encoding: 'json', text: jsonAscii(secret) },
    { encoding: 'json', text: json(secret).replace(/\//g, '\\/') },
    { encoding: 'json', text: json(json(secret)) },
    { encoding: 'inspect', text: inspect(secret).slice(1, -1) },
  );
  return out;
};

/** A scanner for `secrets` (empty strings are ignored). */
export const leakScanner = (secrets: ReadonlyArray<string>): LeakScanner => {
  const seen = new Set<string>();
  const needles = secrets
    .flatMap((s, secret) => (s.length === 0 ? [] : encodings(s).map((e) => ({ secret, ...e }))))
    .filter((n) => {
      const key = `${n.secret}\0${n.text}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const findAll = (text: string): ReadonlyArray<LeakHit> =>
    needles.flatMap((n) => {
      const offset = text.indexOf(n.text);
      return offset < 0 ? [] : [{ secret: n.secret, encoding: n.encoding, offset }];
    });
  // Longest first, so a form containing another is replaced whole.
  const byLength = [...needles].sort((a, b) => b.text.length - a.text.length);
  return {
    needles,
    findAll,
    find: (text) => findAll(text)[0],
    scrub: (text) => byLength.reduce((s, n) => s.split(n.text).join('[redacted]'), text),
  };
};

/** `hit` as a line for a failure message (never the secret): `base64 at 17`. */
export const describeLeak = (hit: LeakHit): string => `${hit.encoding} at ${hit.offset}`;
