// The CSV import (`POST /api/users/import`): the file is parsed with csv-parse (quotes, quoted line
// breaks, BOM, CRLF: a solved problem, see the README), every row is checked with the same codecs as
// `POST /api/users`, and only a file without a single problem is imported. Problems name the line
// in the FILE (the header is line 1; a record whose quoted field holds line breaks starts on its
// first line), the column and the reason.
//
// Re-running a file is idempotent: an imported user's id is derived from its email, its commands'
// ids from that id, and a row whose email already has a user changes nothing (a user this import
// created earlier gets the bindings it never had, which finishes an import that was interrupted).
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import * as E from 'fp-ts/lib/Either.js';
import type { Actor, DirectoryId, UserId } from '@takeover/core';
import { externalUserKey } from '@takeover/core';
import type { AppContext } from './context.js';
import { directorySetup } from './context.js';
import type { InitialBinding } from './createUser.js';
import { bindInitial, createUserWith } from './createUser.js';
import type { CreateUserInput } from './hostApp.js';
import { decodeCreateUser } from './inputs.js';
import { loadExisting } from './views.js';

/** Largest file accepted (the route's body limit). */
export const CSV_MAX_BYTES = 10 * 1024 * 1024;
/** Most user rows in one file. */
export const CSV_MAX_ROWS = 50_000;
/** At most this many problems are listed (`truncated` says more were found). */
export const CSV_MAX_PROBLEMS = 1_000;

const REQUIRED = ['email', 'givenName', 'familyName', 'state'] as const;
const OPTIONAL = [
  'directories',
  'displayName',
  'jobTitle',
  'department',
  'mobilePhone',
  'officeLocation',
  'employeeId',
  'externalKeys',
  'alreadyInSync',
] as const;
const KNOWN: ReadonlyArray<string> = [...REQUIRED, ...OPTIONAL];

export interface CsvProblem {
  /** The line in the file (the header is 1). */
  readonly line: number;
  /** The column's header name, or null for the whole row. */
  readonly column: string | null;
  /**
   * What is wrong, in words. Prose, although elsewhere prose is a `message` and a `reason` is a
   * code: `{ line, column, reason }` is the import API's contract (issue 14), kept as specified.
   */
  readonly reason: string;
}

export interface ImportRow {
  readonly line: number;
  readonly input: CreateUserInput;
  readonly bindings: ReadonlyArray<InitialBinding>;
}

export interface ParsedImport {
  readonly rows: ReadonlyArray<ImportRow>;
  readonly problems: ReadonlyArray<CsvProblem>;
  /** More problems were found than listed. */
  readonly truncated: boolean;
}

interface Record_ {
  readonly record: ReadonlyArray<string>;
  readonly info: { readonly bytes: number };
}

const PARSE_REASONS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed (a " is missing); everything after it was read as one field',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field has text after its closing quote (write a quote inside quotes as "")',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a quoted field has text after its closing quote (write a quote inside quotes as "")',
  CSV_MAX_RECORD_SIZE: 'the row is too long',
};

/**
 * Line numbers by byte offset. csv-parse's own line count is not usable here (it counts a CRLF
 * inside quotes as two lines), so lines are counted in the bytes: a record spans from the end of the
 * previous one (`info.bytes`) to its own end; the empty lines before it are skipped.
 */
const lineIndex = (buf: Buffer) => {
  const breaks: number[] = [];
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0x0a || (b === 0x0d && buf[i + 1] !== 0x0a)) breaks.push(i);
  }
  /** The line of the first byte at or after `offset` that is not a line break. */
  return (offset: number): number => {
    let at = offset;
    while (at < buf.length && (buf[at] === 0x0a || buf[at] === 0x0d)) at += 1;
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((breaks[mid] ?? 0) < at) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
};

const byLine = (problems: ReadonlyArray<CsvProblem>): ReadonlyArray<CsvProblem> => [...problems].sort((a, b) => a.line - b.line);

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['', 'false', 'no', '0']);

/**
 * Parses and checks the whole file; `knownDirectory` says whether a directory id exists. Pure: no
 * store is read (emails already in use are found by `planImport`).
 */
export const parseImport = (text: string, knownDirectory: (id: string) => boolean): ParsedImport => {
  const problems: CsvProblem[] = [];
  let truncated = false;
  const report = (p: CsvProblem) => {
    if (problems.length < CSV_MAX_PROBLEMS) problems.push(p);
    else truncated = true;
  };
  const buf = Buffer.from(text, 'utf8');
  const lineAt = lineIndex(buf);
  // Records are collected as they are read, so a structural error (an unclosed quote, text after a
  // closing quote) still leaves the rows before it checked; the parser cannot resynchronise after
  // one, so the rest of the file is reported as not read.
  const records: Record_[] = [];
  try {
    parse(buf, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: 64 * 1024,
      on_record: (record: string[], context: { readonly bytes: number }) => {
        records.push({ record, info: { bytes: context.bytes } });
        return null;
      },
    });
  } catch (e) {
    // `bytes` is where the last good record ended: the refused one starts after it.
    const bytes = (e as { bytes?: unknown }).bytes;
    const code = (e as { code?: unknown }).code;
    const why = (typeof code === 'string' ? PARSE_REASONS[code] : undefined) ?? 'the row is not valid CSV';
    report({ line: typeof bytes === 'number' ? lineAt(bytes) : 1, column: null, reason: `${why}; the lines after it were not read` });
  }
  const [header, ...body] = records;
  if (header === undefined)
    return problems.length > 0
      ? { rows: [], problems, truncated }
      : {
          rows: [],
          problems: [
            { line: 1, column: null, reason: `the file is empty; the first line must name the columns (${REQUIRED.join(', ')}, …)` },
          ],
          truncated: false,
        };
  const columns = header.record.map((c) => c.trim());
  const headerLine = lineAt(0);
  const starts = new Map<Record_, number>(records.map((r, i) => [r, lineAt(i === 0 ? 0 : (records[i - 1]?.info.bytes ?? 0))]));
  const startLine = (r: Record_): number => starts.get(r) ?? 1;
  const before = problems.length;
  columns.forEach((c, i) => {
    if (!KNOWN.includes(c))
      report({ line: headerLine, column: c.slice(0, 100), reason: `is not a known column (known: ${KNOWN.join(', ')})` });
    else if (columns.indexOf(c) !== i) report({ line: headerLine, column: c, reason: 'is named twice' });
  });
  for (const c of REQUIRED)
    if (!columns.includes(c)) report({ line: headerLine, column: c, reason: 'the column is missing from the header' });
  if (problems.length > before) return { rows: [], problems: byLine(problems), truncated };
  if (body.length > CSV_MAX_ROWS) {
    return {
      rows: [],
      problems: [
        {
          line: startLine(body[CSV_MAX_ROWS] as Record_),
          column: null,
          reason: `the file has ${String(body.length)} rows; at most ${String(CSV_MAX_ROWS)} are imported at once (split the file)`,
        },
      ],
      truncated: false,
    };
  }

  const rows: ImportRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const r of body) {
    const line = startLine(r);
    if (r.record.length !== columns.length) {
      report({ line, column: null, reason: `has ${String(r.record.length)} fields; the header has ${String(columns.length)}` });
      continue;
    }
    const cell = (name: string): string => (r.record[columns.indexOf(name)] ?? '').trim();
    const has = (name: string) => columns.includes(name) && cell(name) !== '';
    const directories = has('directories')
      ? cell('directories')
          .split(';')
          .map((d) => d.trim())
          .filter((d) => d !== '')
      : [];
    const object: Record<string, unknown> = Object.fromEntries(
      [...REQUIRED, 'displayName', 'jobTitle', 'department', 'mobilePhone', 'officeLocation', 'employeeId']
        .filter(has)
        .map((c) => [c, cell(c)]),
    );
    if (directories.length > 0) object.directories = directories;
    const decoded = decodeCreateUser(object);
    if (E.isLeft(decoded)) {
      const p = decoded.left;
      report({
        line,
        column: p.kind === 'invalid' ? (p.field.split('.')[0] ?? null) : null,
        reason: p.kind === 'invalid' ? p.reason : 'is not valid',
      });
      continue;
    }
    const input = decoded.right;
    let ok = true;
    const unknown = (input.directories ?? []).find((d) => !knownDirectory(d));
    if (unknown !== undefined) {
      report({ line, column: 'directories', reason: `no directory has the id "${unknown}"` });
      ok = false;
    }
    const keys = new Map<string, string>();
    if (has('externalKeys')) {
      for (const pair of cell('externalKeys')
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== '')) {
        const at = pair.indexOf(':');
        const d = at === -1 ? '' : pair.slice(0, at).trim();
        const key = at === -1 ? '' : pair.slice(at + 1).trim();
        if (d === '' || key === '' || key.length > 256) {
          report({ line, column: 'externalKeys', reason: 'must be directoryId:key pairs separated by ";" (a key of 1 to 256 characters)' });
          ok = false;
        } else if (!(input.directories ?? []).includes(d as DirectoryId)) {
          report({
            line,
            column: 'externalKeys',
            reason: `names the directory "${d.slice(0, 64)}", which is not in this row's directories`,
          });
          ok = false;
        } else if (keys.has(d)) {
          report({ line, column: 'externalKeys', reason: `names the directory "${d}" twice` });
          ok = false;
        } else keys.set(d, key);
      }
    }
    const flag = has('alreadyInSync') ? cell('alreadyInSync').toLowerCase() : '';
    if (!TRUE.has(flag) && !FALSE.has(flag)) {
      report({ line, column: 'alreadyInSync', reason: 'must be true or false (or empty)' });
      ok = false;
    }
    const inSync = TRUE.has(flag);
    if (inSync && ok) {
      const missing = (input.directories ?? []).find((d) => !keys.has(d));
      if (missing !== undefined || (input.directories ?? []).length === 0) {
        report({
          line,
          column: 'alreadyInSync',
          reason:
            missing === undefined
              ? 'needs at least one directory: only an imported binding can be already in sync'
              : `needs the account in "${missing}" in externalKeys: only a binding to a known account can be already in sync (rule R11)`,
        });
        ok = false;
      }
    }
    const earlier = firstLineOf.get(input.email);
    if (earlier !== undefined) {
      report({ line, column: 'email', reason: `the same email is on line ${String(earlier)}` });
      ok = false;
    } else firstLineOf.set(input.email, line);
    if (!ok) continue;
    const bindings = (input.directories ?? []).map((directoryId): InitialBinding => {
      const key = keys.get(directoryId);
      return {
        directoryId,
        ...(key === undefined ? {} : { externalKey: externalUserKey(key) }),
        ...(inSync ? { alreadyInSync: true } : {}),
      };
    });
    rows.push({ line, input, bindings });
  }
  return { rows, problems: byLine(problems), truncated };
};

/** The id an imported user gets: derived from its email, so a second run (or a parallel one) names the same user. */
export const importedUserId = (email: string): UserId => {
  const h = createHash('sha256').update(`takeover-import\u0000${email}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}` as UserId;
};

export interface ImportPlan extends ParsedImport {
  /** Rows without a problem whose email has no user yet. */
  readonly toCreate: ReadonlyArray<ImportRow>;
  /** Rows whose email already has a user: nothing is created for them. */
  readonly existing: ReadonlyArray<ImportRow & { readonly userId: UserId }>;
}

export const planImport = async (ctx: AppContext, text: string): Promise<ImportPlan> => {
  const parsed = parseImport(text, (id) => directorySetup(ctx, id) !== undefined);
  const toCreate: ImportRow[] = [];
  const existing: Array<ImportRow & { readonly userId: UserId }> = [];
  // Also with problems: a dry run says how many of the good rows would create a user.
  for (const row of parsed.rows) {
    const found = await ctx.db.credentialByEmail(row.input.email);
    if (found === undefined) toCreate.push(row);
    else existing.push({ ...row, userId: found.userId });
  }
  return { ...parsed, toCreate, existing };
};

export interface ImportResult {
  readonly created: number;
  /** Rows that changed nothing: their email already had a user (an earlier or a parallel import, or the console). */
  readonly unchanged: ReadonlyArray<{ readonly line: number; readonly email: string; readonly userId: UserId }>;
  /** Rows that could not be carried out although the file was valid (the store was down, …); re-run the file to finish. */
  /** `reason`: what went wrong, in words (the same row-report shape as {@link CsvProblem}'s). */
  readonly failed: ReadonlyArray<{ readonly line: number; readonly email: string; readonly reason: string }>;
}

type RowOutcome =
  | { readonly kind: 'created'; readonly userId: UserId }
  | { readonly kind: 'unchanged'; readonly userId: UserId }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * One row: creates the user, or, when its email already has one, changes nothing (a user this
 * import created earlier gets the bindings it never had: an interrupted run is finished; a binding
 * an admin removed is never restored). Safe to run twice and in parallel.
 */
export const importRow = async (ctx: AppContext, by: Actor, row: ImportRow): Promise<RowOutcome> => {
  const finishBindings = async (userId: UserId) => {
    if (userId !== importedUserId(row.input.email)) return;
    const loaded = await loadExisting(ctx, userId);
    if (E.isLeft(loaded)) return;
    for (const b of row.bindings)
      if (loaded.right.user.bindings[b.directoryId] === undefined) await bindInitial(ctx, by, userId, b, 'import', 'import');
  };
  const existing = await ctx.db.credentialByEmail(row.input.email);
  if (existing !== undefined) {
    await finishBindings(existing.userId);
    return { kind: 'unchanged', userId: existing.userId };
  }
  const userId = importedUserId(row.input.email);
  const outcome = await createUserWith(ctx, by, row.input, { userId, origin: 'import', bindings: row.bindings, commandPrefix: 'import' });
  if (E.isRight(outcome)) return { kind: 'created', userId };
  if (outcome.left.kind === 'conflict') {
    // A parallel import (or the console) created this email in the meantime.
    const found = await ctx.db.credentialByEmail(row.input.email);
    if (found !== undefined) await finishBindings(found.userId);
    return { kind: 'unchanged', userId: found?.userId ?? userId };
  }
  return { kind: 'failed', message: 'reason' in outcome.left ? outcome.left.reason : outcome.left.kind };
};

/** Carries out a plan without problems, row by row, in this request. `progress(done, total)` after each row. */
export const runImport = async (
  ctx: AppContext,
  by: Actor,
  plan: ImportPlan,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<ImportResult> => {
  if (plan.problems.length > 0) throw new Error('runImport: the plan has problems');
  let created = 0;
  const unchanged: Array<ImportResult['unchanged'][number]> = [];
  const failed: Array<ImportResult['failed'][number]> = [];
  const rows = [...plan.existing, ...plan.toCreate].sort((a, b) => a.line - b.line);
  let done = 0;
  for (const row of rows) {
    const outcome = await importRow(ctx, by, row);
    if (outcome.kind === 'created') created += 1;
    else if (outcome.kind === 'unchanged') unchanged.push({ line: row.line, email: row.input.email, userId: outcome.userId });
    else failed.push({ line: row.line, email: row.input.email, reason: outcome.message });
    progress(++done, rows.length);
  }
  ctx.logger.info({ by: by.id, created, unchanged: unchanged.length, failed: failed.length }, 'CSV import finished');
  return { created, unchanged, failed };
};

/** Files with more rows than this run as a job (`202 { jobId }`); smaller ones at once (`201`). */
export const IMPORT_INLINE_MAX = 200;
/** A second upload of the same file by the same admin joins the running job (and for this long after it ends). */
const JOIN_MS = 10 * 60_000;

/** Registers the `csv-import` job kind: one item per row (the row as JSON, never a password: the file has none). */
export const registerImportJobs = (ctx: AppContext): void => {
  ctx.jobs.register('csv-import', async (item, job) => {
    const spec = JSON.parse(job.spec) as { readonly by: string };
    const row = JSON.parse(item) as ImportRow;
    const outcome = await importRow(ctx, { role: 'admin', id: spec.by }, row);
    switch (outcome.kind) {
      case 'created':
        return { ok: true, outcome: `line ${String(row.line)}: created ${row.input.email}` };
      case 'unchanged':
        return { ok: true, outcome: `line ${String(row.line)}: unchanged, ${row.input.email} already has a user` };
      case 'failed':
        return { ok: false, outcome: `line ${String(row.line)}: failed, ${outcome.message} (run the file again to finish)` };
    }
  });
};

/** Starts the job for a plan without problems; the same file from the same admin joins the running job. */
export const startImportJob = async (
  ctx: AppContext,
  by: Actor,
  csv: string,
  plan: ImportPlan,
): Promise<{ readonly jobId: string; readonly total: number }> => {
  const rows = [...plan.existing, ...plan.toCreate].sort((a, b) => a.line - b.line);
  const who = by.id ?? by.role;
  const started = await ctx.jobs.start({
    kind: 'csv-import',
    createdBy: who,
    spec: JSON.stringify({ by: who }),
    items: rows.map((r) => JSON.stringify(r)),
    idempotencyKey: `csv-import:${createHash('sha256').update(`${who}\u0000${csv}`).digest('hex')}`,
    keyExpiresAfterDoneMs: JOIN_MS,
  });
  ctx.logger.info({ jobId: started.jobId, rows: rows.length, by: by.id, created: started.created }, 'CSV import started as a job');
  return { jobId: started.jobId, total: rows.length };
};
