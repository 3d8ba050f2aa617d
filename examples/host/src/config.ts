// The host's configuration: every environment variable, validated once at start. Each problem names
// the variable and says what is wrong; nothing here prints a credential.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { reveal, Secret } from '@takeover/core';
import { serviceAccountKeyFromJson } from '@takeover/connector-google-workspace';
import type { ServiceAccountCredentials } from '@takeover/connector-google-workspace';
import { isEmailAddress } from './app/text.js';

/** One environment variable that is missing or wrong: which (`variable`), and what is wrong in words (`message`). */
export interface ConfigError {
  readonly variable: string;
  readonly message: string;
}

/** Where events live: the embedded SQLite file (default), PostgreSQL, or EventStoreDB/KurrentDB. */
export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string }
  | { readonly kind: 'eventstoredb'; readonly url: string };

/** The host's own tables (credentials, sessions, secrets, throttling): SQLite unless DATABASE_URL. */
export type HostDbConfig =
  { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string; readonly schema: string };

export type MailConfig = { readonly kind: 'outbox' } | { readonly kind: 'smtp'; readonly url: string };

export type GoogleConfig =
  | { readonly mode: 'emulator' }
  | {
      readonly mode: 'real';
      readonly keyFile: string;
      readonly credentials: ServiceAccountCredentials;
      readonly subject: string;
      readonly domain: string;
      /** GOOGLE_API_URL / GOOGLE_TOKEN_URL: another endpoint than Google's own (a proxy, a local emulator for takeover-doctor tests). */
      readonly endpoints?: { readonly apiUrl?: string; readonly tokenUrl?: string };
      /**
       * GOOGLE_DETECT_EXTERNAL_CHANGES=true: notice passwords changed in Workspace outside the portal
       * through the Reports API (R16). Needs the `admin.reports.audit.readonly` scope in the domain-wide
       * delegation (takeover-doctor checks it); off by default because that scope is an extra grant.
       */
      readonly detectExternalChanges: boolean;
    };

export type MicrosoftConfig =
  | { readonly mode: 'emulator' }
  | {
      readonly mode: 'real';
      readonly tenantId: string;
      readonly clientId: string;
      readonly credential: { readonly clientSecret: Secret } | { readonly certificatePem: Secret; readonly certificateFile: string };
      readonly domain: string;
      /** MICROSOFT_AUTHORITY_HOST / MICROSOFT_GRAPH_URL (https): another cloud or endpoint than Microsoft's global one. */
      readonly endpoints?: { readonly authorityHost?: string; readonly graphUrl?: string };
    };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface HostConfig {
  readonly port: number;
  readonly host: string;
  /** No trailing slash. */
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly store: StoreConfig;
  readonly database: HostDbConfig;
  readonly mail: MailConfig;
  readonly mailFrom: string;
  readonly google: GoogleConfig;
  readonly microsoft: MicrosoftConfig;
  readonly adminEmail: string;
  /** Accepted as an admin bearer token (scripts). */
  readonly adminApiKey?: Secret;
  readonly platformName: string;
  readonly logLevel: LogLevel;
  readonly shutdownDeadlineMs: number;
  /**
   * INSTANCE_ID: this instance's name in the push leases it takes, stable across its restarts and
   * unique among live instances (default host name and port), so a restart releases the leases a
   * crash abandoned instead of waiting for them to expire.
   */
  readonly instanceId: string;
  /**
   * EXTERNAL_CHANGE_SWEEP_SECONDS: how often each directory that can list password changes (Entra's
   * delta query, Google's Reports API) is swept for changes made outside the portal (R16), so they are
   * noticed before the user's next login; 0 turns the sweep off (default 900, paced with the rest).
   */
  readonly externalChangeSweepSeconds: number;
  /** Fastify's `trustProxy`: false (default), true (any proxy), a hop count, or the proxies' addresses/CIDRs (comma-separated). */
  readonly trustProxy: boolean | number | string;
}

const LOG_LEVELS: ReadonlyArray<LogLevel> = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Reads one variable; empty or blank counts as unset. */
const read = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};

const codeOf = (e: unknown): string => (typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'unreadable');

const readText = (path: string): E.Either<string, string> => {
  try {
    return E.right(readFileSync(path, 'utf8'));
  } catch (e) {
    return E.left(`cannot read ${path} (${codeOf(e)})`);
  }
};

const urlWith = (value: string, protocols: ReadonlyArray<string>): URL | undefined => {
  try {
    const u = new URL(value);
    return protocols.includes(u.protocol) ? u : undefined;
  } catch {
    return undefined;
  }
};

/** Collects errors while reading variables; `value` is only meaningful when `errors` stays empty. */
const collector = (env: NodeJS.ProcessEnv) => {
  const errors: ConfigError[] = [];
  const fail = (variable: string, message: string): undefined => {
    errors.push({ variable, message });
    return undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(env, name);
    if (raw === undefined) return fallback;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      fail(name, `must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  return { errors, fail, integer };
};

/** Optional endpoint overrides: each must be an absolute URL with one of `protocols`; no trailing slash kept. */
const urls = <K extends string>(
  env: NodeJS.ProcessEnv,
  fail: (v: string, r: string) => undefined,
  names: Readonly<Record<K, string>>,
  protocols: ReadonlyArray<string>,
): Partial<Record<K, string>> => {
  const out: Partial<Record<K, string>> = {};
  for (const [key, name] of Object.entries(names) as Array<[K, string]>) {
    const raw = read(env, name);
    if (raw === undefined) continue;
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (url === undefined || !protocols.includes(url.protocol)) fail(name, `must be an absolute ${protocols.join(' or ')} URL`);
    else out[key] = raw.replace(/\/+$/, '');
  }
  return out;
};

const googleConfig = (env: NodeJS.ProcessEnv, fail: (v: string, r: string) => undefined): GoogleConfig => {
  const names = ['GOOGLE_SERVICE_ACCOUNT_KEY_FILE', 'GOOGLE_ADMIN_SUBJECT', 'GOOGLE_DOMAIN'] as const;
  const [keyFile, subject, domain] = names.map((n) => read(env, n));
  if (keyFile === undefined && subject === undefined && domain === undefined) return { mode: 'emulator' };
  names.forEach((n, i) => {
    if ([keyFile, subject, domain][i] === undefined) fail(n, `is required with the other Google variables (${names.join(', ')})`);
  });
  if (subject !== undefined && !EMAIL.test(subject))
    fail('GOOGLE_ADMIN_SUBJECT', 'must be the email address of a Workspace admin the service account impersonates');
  if (domain !== undefined && !DOMAIN.test(domain)) fail('GOOGLE_DOMAIN', 'must be a domain name such as example.com');
  let credentials: ServiceAccountCredentials | undefined;
  if (keyFile !== undefined) {
    const text = readText(keyFile);
    if (E.isLeft(text)) fail('GOOGLE_SERVICE_ACCOUNT_KEY_FILE', text.left);
    else {
      let type: unknown;
      try {
        type = (JSON.parse(text.right) as { type?: unknown }).type;
      } catch {
        type = undefined;
      }
      const decoded = serviceAccountKeyFromJson(text.right);
      if (E.isLeft(decoded))
        fail('GOOGLE_SERVICE_ACCOUNT_KEY_FILE', `${keyFile} is not a service account key file: ${decoded.left.message}`);
      else if (type !== undefined && type !== 'service_account')
        fail('GOOGLE_SERVICE_ACCOUNT_KEY_FILE', `${keyFile} is not a service account key file (its "type" is not "service_account")`);
      else if (!reveal(decoded.right.privateKey).includes('PRIVATE KEY'))
        fail('GOOGLE_SERVICE_ACCOUNT_KEY_FILE', `${keyFile}: private_key is not a PEM private key`);
      else credentials = decoded.right;
    }
  }
  if (keyFile === undefined || subject === undefined || domain === undefined || credentials === undefined) return { mode: 'emulator' };
  const endpoints = urls(env, fail, { apiUrl: 'GOOGLE_API_URL', tokenUrl: 'GOOGLE_TOKEN_URL' }, ['http:', 'https:']);
  const detect = read(env, 'GOOGLE_DETECT_EXTERNAL_CHANGES') ?? 'false';
  if (detect !== 'true' && detect !== 'false') fail('GOOGLE_DETECT_EXTERNAL_CHANGES', 'must be true or false');
  return {
    mode: 'real',
    keyFile,
    credentials,
    subject,
    domain: domain.toLowerCase(),
    detectExternalChanges: detect === 'true',
    ...(Object.keys(endpoints).length === 0 ? {} : { endpoints }),
  };
};

const microsoftConfig = (env: NodeJS.ProcessEnv, fail: (v: string, r: string) => undefined): MicrosoftConfig => {
  const tenantId = read(env, 'MICROSOFT_TENANT_ID');
  const clientId = read(env, 'MICROSOFT_CLIENT_ID');
  const secret = read(env, 'MICROSOFT_CLIENT_SECRET');
  const certFile = read(env, 'MICROSOFT_CLIENT_CERTIFICATE_FILE');
  const domain = read(env, 'MICROSOFT_DOMAIN');
  if ([tenantId, clientId, secret, certFile, domain].every((v) => v === undefined)) return { mode: 'emulator' };
  const all =
    'MICROSOFT_TENANT_ID, MICROSOFT_CLIENT_ID, MICROSOFT_DOMAIN and one of MICROSOFT_CLIENT_SECRET or MICROSOFT_CLIENT_CERTIFICATE_FILE';
  if (tenantId === undefined) fail('MICROSOFT_TENANT_ID', `is required with the other Microsoft variables (${all})`);
  if (clientId === undefined) fail('MICROSOFT_CLIENT_ID', `is required with the other Microsoft variables (${all})`);
  if (domain === undefined) fail('MICROSOFT_DOMAIN', `is required with the other Microsoft variables (${all})`);
  if (secret === undefined && certFile === undefined)
    fail('MICROSOFT_CLIENT_SECRET', `or MICROSOFT_CLIENT_CERTIFICATE_FILE is required with the other Microsoft variables (${all})`);
  if (secret !== undefined && certFile !== undefined)
    fail('MICROSOFT_CLIENT_CERTIFICATE_FILE', 'set either MICROSOFT_CLIENT_SECRET or MICROSOFT_CLIENT_CERTIFICATE_FILE, not both');
  const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (tenantId !== undefined && !guid.test(tenantId) && !DOMAIN.test(tenantId))
    fail('MICROSOFT_TENANT_ID', 'must be the directory (tenant) id, a GUID, or its domain');
  if (clientId !== undefined && !guid.test(clientId)) fail('MICROSOFT_CLIENT_ID', 'must be the application (client) id, a GUID');
  if (domain !== undefined && !DOMAIN.test(domain)) fail('MICROSOFT_DOMAIN', 'must be a verified domain name such as contoso.com');
  let certificatePem: Secret | undefined;
  if (certFile !== undefined) {
    const text = readText(certFile);
    if (E.isLeft(text)) fail('MICROSOFT_CLIENT_CERTIFICATE_FILE', text.left);
    else if (!text.right.includes('PRIVATE KEY') || !text.right.includes('BEGIN CERTIFICATE'))
      fail('MICROSOFT_CLIENT_CERTIFICATE_FILE', `${certFile} must hold the PEM certificate and its private key`);
    else certificatePem = Secret.of(text.right);
  }
  if (tenantId === undefined || clientId === undefined || domain === undefined) return { mode: 'emulator' };
  const found = urls(env, fail, { authorityHost: 'MICROSOFT_AUTHORITY_HOST', graphUrl: 'MICROSOFT_GRAPH_URL' }, ['https:']);
  const endpoints = Object.keys(found).length === 0 ? {} : { endpoints: found };
  if (secret !== undefined && certFile === undefined)
    return {
      mode: 'real',
      tenantId,
      clientId,
      credential: { clientSecret: Secret.of(secret) },
      domain: domain.toLowerCase(),
      ...endpoints,
    };
  if (certificatePem !== undefined && certFile !== undefined && secret === undefined)
    return {
      mode: 'real',
      tenantId,
      clientId,
      credential: { certificatePem, certificateFile: certFile },
      domain: domain.toLowerCase(),
      ...endpoints,
    };
  return { mode: 'emulator' };
};

/**
 * Reads the host's configuration from the environment (see README.md for the table). Every problem
 * is reported at once, each naming its variable.
 */
export const loadConfig = (env: NodeJS.ProcessEnv): E.Either<ReadonlyArray<ConfigError>, HostConfig> => {
  const { errors, fail, integer } = collector(env);
  const port = integer('PORT', 3000, 0, 65535);
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const rawPublic = read(env, 'PUBLIC_URL');
  let publicUrl = `http://localhost:${port}`;
  if (rawPublic !== undefined) {
    const u = urlWith(rawPublic, ['http:', 'https:']);
    if (u === undefined || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '')
      fail('PUBLIC_URL', 'must be an http:// or https:// URL without query, fragment or credentials, e.g. https://portal.example.com');
    else publicUrl = `${u.origin}${u.pathname}`.replace(/\/+$/, '');
  }
  const dataDir = resolve(read(env, 'DATA_DIR') ?? './data');

  const databaseUrl = read(env, 'DATABASE_URL');
  const eventstoreUrl = read(env, 'EVENTSTORE_URL');
  const schema = read(env, 'DATABASE_SCHEMA') ?? 'takeover';
  if (!IDENTIFIER.test(schema))
    fail('DATABASE_SCHEMA', 'must be a plain lower-case SQL identifier (a-z, 0-9, underscore; not starting with a digit)');
  if (databaseUrl !== undefined && urlWith(databaseUrl, ['postgres:', 'postgresql:']) === undefined)
    fail('DATABASE_URL', 'must be a postgres:// (or postgresql://) connection URL');
  if (eventstoreUrl !== undefined && urlWith(eventstoreUrl, ['esdb:', 'esdb+discover:', 'kurrentdb:', 'kurrentdb+discover:']) === undefined)
    fail('EVENTSTORE_URL', 'must be an esdb:// or esdb+discover:// connection string');
  if (databaseUrl !== undefined && eventstoreUrl !== undefined)
    fail('EVENTSTORE_URL', 'set either DATABASE_URL (events in PostgreSQL) or EVENTSTORE_URL (events in EventStoreDB), not both');
  const store: StoreConfig =
    eventstoreUrl !== undefined && databaseUrl === undefined
      ? { kind: 'eventstoredb', url: eventstoreUrl.replace(/^kurrentdb/, 'esdb') }
      : databaseUrl !== undefined
        ? { kind: 'postgres', url: databaseUrl, schema }
        : { kind: 'sqlite', path: resolve(dataDir, 'events.db') };
  const database: HostDbConfig =
    databaseUrl !== undefined ? { kind: 'postgres', url: databaseUrl, schema } : { kind: 'sqlite', path: resolve(dataDir, 'host.db') };

  const smtpUrl = read(env, 'SMTP_URL');
  if (smtpUrl !== undefined && urlWith(smtpUrl, ['smtp:', 'smtps:']) === undefined)
    fail('SMTP_URL', 'must be an smtp:// or smtps:// URL, e.g. smtps://user:password@mail.example.com:465');
  const mail: MailConfig = smtpUrl === undefined ? { kind: 'outbox' } : { kind: 'smtp', url: smtpUrl };

  const platformName = read(env, 'PLATFORM_NAME') ?? 'Takeover Demo';
  if (platformName.length > 100 || /[\r\n<>"]/.test(platformName))
    fail('PLATFORM_NAME', 'must be at most 100 characters, without line breaks, quotes or angle brackets');
  const mailFrom =
    read(env, 'MAIL_FROM') ??
    `"${platformName}" <no-reply@${new URL(publicUrl).hostname === 'localhost' ? 'example.com' : new URL(publicUrl).hostname}>`;
  if (!/^(?:"[^"\r\n]*"\s*)?<?[^\s@<>]+@[^\s@<>]+>?$/.test(mailFrom))
    fail('MAIL_FROM', 'must be an address such as no-reply@example.com or "Acme Portal" <no-reply@example.com>');

  const adminEmail = (read(env, 'ADMIN_EMAIL') ?? 'admin@example.com').toLowerCase();
  if (!isEmailAddress(adminEmail)) fail('ADMIN_EMAIL', 'must be one email address such as admin@example.com');
  const apiKey = read(env, 'ADMIN_API_KEY');
  if (apiKey !== undefined && apiKey.length < 32) fail('ADMIN_API_KEY', 'must be at least 32 characters (e.g. `openssl rand -base64 32`)');

  const logLevel = (read(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as ReadonlyArray<string>).includes(logLevel)) fail('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const shutdownDeadlineMs = integer('SHUTDOWN_DEADLINE_MS', 30_000, 0, 3_600_000);
  const instanceId = read(env, 'INSTANCE_ID') ?? `${hostname()}:${port}`;
  if (!/^[\x21-\x7e]{1,200}$/.test(instanceId)) fail('INSTANCE_ID', 'must be 1 to 200 printable ASCII characters without spaces');
  const trustProxy = parseTrustProxy(read(env, 'TRUST_PROXY'), fail);
  const externalChangeSweepSeconds = integer('EXTERNAL_CHANGE_SWEEP_SECONDS', 900, 0, 86_400);

  const google = googleConfig(env, fail);
  const microsoft = microsoftConfig(env, fail);

  if (errors.length > 0) return E.left(errors);
  return E.right({
    port,
    host,
    publicUrl,
    dataDir,
    store,
    database,
    mail,
    mailFrom,
    google,
    microsoft,
    adminEmail,
    ...(apiKey === undefined ? {} : { adminApiKey: Secret.of(apiKey) }),
    platformName,
    logLevel: logLevel as LogLevel,
    shutdownDeadlineMs,
    trustProxy,
    instanceId,
    externalChangeSweepSeconds,
  });
};

/**
 * `TRUST_PROXY`: behind a reverse proxy or load balancer, which `X-Forwarded-For` hops to believe, so
 * the per-address login throttling sees the client and not the proxy.
 */
const parseTrustProxy = (value: string | undefined, fail: (variable: string, message: string) => undefined): boolean | number | string => {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((v) => v.trim());
  if (entries.every((v) => /^[0-9a-f:.]+(\/\d{1,3})?$/i.test(v) && /[.:]/.test(v))) return entries.join(',');
  fail(
    'TRUST_PROXY',
    "must be true, false, a number of proxy hops, or the proxies' addresses or CIDR ranges separated by commas (e.g. 10.0.0.0/8,127.0.0.1)",
  );
  return false;
};

/** One line per problem, for a start-up failure message. */
export const describeConfigErrors = (errors: ReadonlyArray<ConfigError>): string =>
  errors.map((e) => `${e.variable}: ${e.message}`).join('\n');
