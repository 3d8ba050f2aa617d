// POST /api/users/import over real HTTP against a whole host (SQLite, emulators, outbox): line
// numbers as the file has them (BOM, CRLF, quoted line breaks), a refused file changes nothing,
// re-running a file and parallel duplicates create each user once, the 401/400/413/415 paths, and
// a fuzz run that never gets a 5xx and never half-imports.
import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { EXPORT_PAGE_SIZE } from '../../src/app/csvExport.js';
import { CSV_MAX_BYTES, CSV_MAX_ROWS, IMPORT_INLINE_MAX } from '../../src/app/csvImport.js';
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { eventually } from '../support/eventually.js';
import { adminApi } from '../support/admin.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(async () => {
  await host.close();
});

interface Problem {
  readonly line: number;
  readonly column: string | null;
  readonly reason: string;
}
interface DryRun {
  readonly problems: ReadonlyArray<Problem>;
  readonly wouldCreate: number;
  readonly unchanged: number;
  readonly truncated: boolean;
}
interface Imported {
  readonly created: number;
  readonly unchanged: ReadonlyArray<{ line: number; email: string }>;
  readonly failed: ReadonlyArray<unknown>;
}

const importCsv = (
  csv: string,
  dryRun: boolean | string,
  headers: Record<string, string> = { 'content-type': 'text/csv; charset=utf-8' },
) => call(host, 'POST', `/api/users/import?dryRun=${String(dryRun)}`, { token: host.adminToken, rawBody: csv, headers });
const usersWith = async (text: string): Promise<number> => {
  const res = await admin('GET', `/api/users?q=${encodeURIComponent(text)}&limit=500`);
  return (res.json as { total: number }).total;
};
const admin = adminApi(() => host);
/** A domain no other test uses, so counts are exact. */
const freshDomain = () => `d${randomBytes(5).toString('hex')}.example.org`;
const HEADER = 'email,givenName,familyName,state,directories';

describe('POST /api/users/import', () => {
  test('a dry run lists every problem by its line in the file (BOM, CRLF, quoted line breaks) and changes nothing', async () => {
    const d = freshDomain();
    const csv = [
      `\uFEFF${HEADER}`, //                                  line 1
      `ada@${d},Ada,Lovelace,active,google`, //               line 2
      '"not an\r\nemail",B,C,active,google', //               lines 3-4 (a quoted line break)
      `ok@${d},"Multi`, //                                    line 5 …
      'Line",X,active,google', //                             … line 6: a line break inside a name
      `c@${d},C,D,retired,google`, //                         line 7
      '', //                                                  line 8 (empty: skipped, still counted)
      `ada@${d},Ada,Again,active,`, //                        line 9: the same email as line 2
      `e@${d},E,F,active,google;nowhere`, //                  line 10
      `g@${d},G,H,active`, //                                 line 11: a field short
      `h@${d},"Quoted ""nick"" name",Hopper,staged,microsoft`, // line 12: fine
    ].join('\r\n');
    const res = await importCsv(csv, true);
    expect(res.status).toBe(200);
    const body = res.json as DryRun;
    expect(body.problems.map((p) => [p.line, p.column])).toEqual([
      [3, 'email'],
      [5, 'givenName'],
      [7, 'state'],
      [9, 'email'],
      [10, 'directories'],
      [11, null],
    ]);
    expect(body.problems.find((p) => p.line === 9)?.reason).toContain('line 2');
    expect(body.problems.find((p) => p.line === 10)?.reason).toContain('nowhere');
    expect(body.wouldCreate).toBe(2);
    expect(await usersWith(d)).toBe(0);
  });

  test('a header with an unknown, a doubled or a missing column is refused at line 1', async () => {
    const res = await importCsv('email,givenName,email,nickname\nx@example.org,X,x@example.org,Xy\n', true);
    expect(res.status).toBe(200);
    expect((res.json as DryRun).problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 1, column: 'email', reason: 'is named twice' }),
        expect.objectContaining({ line: 1, column: 'nickname' }),
        expect.objectContaining({ line: 1, column: 'familyName' }),
        expect.objectContaining({ line: 1, column: 'state' }),
      ]),
    );
    const unclosed = await importCsv(`${HEADER}\na@example.org,"A,B,active,google\nb@example.org,B,C,active,google\n`, true);
    expect((unclosed.json as DryRun).problems).toEqual([
      expect.objectContaining({ line: 2, column: null, reason: expect.stringContaining('not closed') as unknown }),
    ]);
    // Text after a closing quote, after a record whose quoted field holds a CRLF: the line where it starts.
    const closing = await importCsv(`${HEADER}\r\n"a\r\nb@example.org",A,B,active,google\r\nc@example.org,"C"x,D,active,google\r\n`, true);
    expect((closing.json as DryRun).problems.map((p) => [p.line, p.column])).toEqual([
      [2, 'email'],
      [4, null],
    ]);
  });

  test('a real import of a file with any problem imports nothing (400 with the problems)', async () => {
    const d = freshDomain();
    const csv = `${HEADER}\na@${d},A,A,active,google\nb@${d},B,B,sleeping,google\nc@${d},C,C,staged,\n`;
    const res = await importCsv(csv, false);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { kind: 'invalid', field: 'body' }, problems: [{ line: 3, column: 'state' }] });
    expect(await usersWith(d)).toBe(0);
  });

  test('a real import creates and binds each user; re-running the same file changes nothing', async () => {
    const d = freshDomain();
    const csv = [
      `${HEADER},jobTitle,externalKeys,alreadyInSync`,
      `ann@${d},Ann,Smith,active,google;microsoft,Engineer,,`,
      `bob@${d},Bob,Jones,staged,microsoft,,microsoft:bob-legacy-key,true`,
      `cy@${d},Cy,Young,active,,,,false`,
    ].join('\n');
    const dry = await importCsv(csv, true);
    expect(dry.json).toMatchObject({ problems: [], wouldCreate: 3, unchanged: 0 });
    const first = await importCsv(csv, false);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ created: 3, unchanged: [], failed: [] });
    const list = await admin('GET', `/api/users?q=${encodeURIComponent(d)}`);
    const users = (list.json as { users: Array<{ id: string; email: string; state: string; directories: string[] }> }).users;
    expect(users.map((u) => [u.email, u.state, [...u.directories].sort()]).sort()).toEqual([
      [`ann@${d}`, 'active', ['google', 'microsoft']],
      [`bob@${d}`, 'staged', ['microsoft']],
      [`cy@${d}`, 'active', []],
    ]);
    // R11: Bob's binding came from the previous system with its account, already in sync.
    const bob = await call(host, 'GET', `/api/users/${users.find((u) => u.email === `bob@${d}`)?.id ?? ''}`, { token: host.adminToken });
    expect(bob.json).toMatchObject({
      attributes: { email: `bob@${d}` },
      bindings: [{ directoryId: 'microsoft', externalKey: 'bob-legacy-key', takeoverComplete: true }],
    });
    const again = await importCsv(csv, false);
    expect(again.status).toBe(201);
    expect(again.json).toMatchObject({ created: 0, failed: [] });
    expect((again.json as Imported).unchanged.map((u) => u.line)).toEqual([2, 3, 4]);
    expect(await usersWith(d)).toBe(3);
    const dryAgain = await importCsv(csv, true);
    expect(dryAgain.json).toMatchObject({ problems: [], wouldCreate: 0, unchanged: 3 });
  });

  test("alreadyInSync needs the account in externalKeys (R11), and externalKeys only the row's directories", async () => {
    const d = freshDomain();
    const csv = [
      `${HEADER},externalKeys,alreadyInSync`,
      `a@${d},A,A,active,google;microsoft,google:a-key,yes`,
      `b@${d},B,B,active,google,microsoft:b-key,`,
      `c@${d},C,C,active,google,google,`,
      `e@${d},E,E,active,google,,maybe`,
    ].join('\n');
    const res = await importCsv(csv, true);
    expect((res.json as DryRun).problems.map((p) => [p.line, p.column])).toEqual([
      [2, 'alreadyInSync'],
      [3, 'externalKeys'],
      [4, 'externalKeys'],
      [5, 'alreadyInSync'],
    ]);
    expect((res.json as DryRun).problems[0]?.reason).toContain('microsoft');
  });

  test('parallel duplicate imports of one file create each user once', async () => {
    const d = freshDomain();
    const rows = Array.from(
      { length: 8 },
      (_, i) => `p${String(i)}@${d},P${String(i)},Parallel,${i % 2 === 0 ? 'active' : 'staged'},google`,
    );
    const csv = [HEADER, ...rows].join('\n');
    const results = await Promise.all(Array.from({ length: 4 }, () => importCsv(csv, false)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const bodies = results.map((r) => r.json as Imported);
    expect(bodies.reduce((n, b) => n + b.created, 0)).toBe(8);
    expect(bodies.every((b) => b.failed.length === 0 && b.created + b.unchanged.length === 8)).toBe(true);
    for (let i = 0; i < 8; i++) expect(await usersWith(`p${String(i)}@${d}`)).toBe(1);
  });

  test(`a file of more than ${String(IMPORT_INLINE_MAX)} rows runs as a job (202 { jobId }); parallel duplicates join it; each user once`, async () => {
    const d = freshDomain();
    const n = IMPORT_INLINE_MAX + 30;
    const csv = [HEADER, ...Array.from({ length: n }, (_, i) => `j${String(i)}@${d},J${String(i)},Job,staged,`)].join('\n');
    const results = await Promise.all([importCsv(csv, false), importCsv(csv, false), importCsv(csv, false)]);
    expect(results.map((r) => r.status)).toEqual([202, 202, 202]);
    const ids = new Set(results.map((r) => (r.json as { jobId: string }).jobId));
    expect(ids.size).toBe(1);
    const [jobId] = [...ids];
    interface Job {
      state: string;
      done: number;
      total: number;
      failed: number;
      results: Array<{ ok: boolean; outcome: string }>;
    }
    const job = await eventually(
      `import job ${jobId ?? ''}`,
      async () => (await admin('GET', `/api/jobs/${jobId ?? ''}`)).json as Job,
      (j) => j.state === 'done',
    );
    expect(job).toMatchObject({ state: 'done', done: n, total: n, failed: 0 });
    expect(job.results[0]?.outcome).toBe(`line 2: created j0@${d}`);
    expect(await usersWith(d)).toBe(n);
  }, 90_000);

  test('401 without a token, 415 for anything but text/csv, 400 for a bad dryRun, 413 above 10 MB', async () => {
    const csv = `${HEADER}\nz@example.org,Z,Z,active,google\n`;
    const anonymous = await call(host, 'POST', '/api/users/import?dryRun=true', { rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(anonymous.status).toBe(401);
    expect((await importCsv(csv, true, { 'content-type': 'application/json' })).status).toBe(415);
    expect((await importCsv(csv, true, { 'content-type': 'text/plain' })).status).toBe(415);
    const bad = await importCsv(csv, 'perhaps');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { field: 'dryRun' } });
    const huge = await importCsv(`${HEADER}\n${'x'.repeat(CSV_MAX_BYTES)}`, true);
    expect(huge.status).toBe(413);
  });

  test('a file of nearly 10 MB with too many rows is refused as a whole, quickly named, nothing imported', async () => {
    const d = freshDomain();
    const row = (i: number) => `u${String(i)}@${d},Given,Family,staged,google`;
    const lines = [HEADER];
    let size = HEADER.length;
    for (let i = 0; size < CSV_MAX_BYTES - 100; i++) {
      lines.push(row(i));
      size += row(i).length + 1;
    }
    expect(lines.length - 1).toBeGreaterThan(CSV_MAX_ROWS);
    const res = await importCsv(lines.join('\n'), false);
    expect(res.status).toBe(400);
    expect((res.json as { problems: Problem[] }).problems).toEqual([
      { line: CSV_MAX_ROWS + 2, column: null, reason: expect.stringContaining('at most') as unknown },
    ]);
    expect(await usersWith(d)).toBe(0);
  }, 60_000);

  test('a file of nearly 10 MB within the row limit, its last row wrong: every problem named, nothing imported, never a 5xx', async () => {
    const d = freshDomain();
    const pad = 'x'.repeat(200);
    const header = `${HEADER},department`;
    const row = (i: number) => `big${String(i)}@${d},"Given, ${String(i)}",Family,staged,google,${pad}`;
    const lines = ['\uFEFF' + header];
    let size = header.length + 3;
    for (let i = 0; size < CSV_MAX_BYTES - 600; i++) {
      lines.push(row(i));
      size += row(i).length + 2;
    }
    const rows = lines.length - 1;
    expect(rows).toBeLessThan(CSV_MAX_ROWS);
    // The last row: a quote never closed (everything after it is one field), the row before it a bad state.
    lines[rows - 1] = (lines[rows - 1] ?? '').replace(',staged,', ',retired,');
    lines[rows] = `"big-last@${d},Last,Row,staged,google`;
    const csv = lines.join('\r\n');
    expect(Buffer.byteLength(csv)).toBeGreaterThan(CSV_MAX_BYTES - 1_000);
    expect(Buffer.byteLength(csv)).toBeLessThanOrEqual(CSV_MAX_BYTES);

    const dry = await importCsv(csv, true);
    expect(dry.status).toBe(200);
    const plan = dry.json as DryRun;
    expect(plan.problems.map((p) => [p.line, p.column])).toEqual([
      [rows, 'state'],
      [rows + 1, null],
    ]);
    expect(plan.wouldCreate).toBe(rows - 2);
    const real = await importCsv(csv, false);
    expect(real.status).toBe(400);
    expect((real.json as { problems: Problem[] }).problems).toEqual(plan.problems);
    expect(await usersWith(d)).toBe(0);
  }, 120_000);

  test('fuzz: malformed rows, quotes, BOM, control characters never get a 5xx and never half-import', async () => {
    const piece = fc.constantFrom(
      '"',
      '""',
      ',',
      '\n',
      '\r\n',
      '\r',
      ';',
      ':',
      '\uFEFF',
      '\u0000',
      '=',
      'é',
      ' ',
      'google',
      'microsoft',
      'nowhere',
      'active',
      'staged',
      'true',
    );
    const name = fc.oneof(
      fc.stringMatching(/^[A-Za-z]{1,12}$/),
      fc.array(piece, { maxLength: 4 }).map((p) => p.join('')),
    );
    const cell = (value: string) => (/[",\r\n]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value);
    const rowArb = fc.record({
      given: name,
      family: name,
      state: fc.constantFrom('active', 'staged', 'gone', ''),
      dirs: fc.constantFrom('google', 'microsoft', 'google;microsoft', '', 'nowhere'),
      quoteAll: fc.boolean(),
      raw: fc.option(
        fc.array(piece, { maxLength: 8 }).map((p) => p.join('')),
        { freq: 4 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 6 }), fc.boolean(), async (rows, bom) => {
        const d = freshDomain();
        const lines = rows.map((r, i) => {
          if (r.raw !== null) return `${String(i)}@${d},${r.raw}`;
          const cells = [`${String(i)}@${d}`, r.given, r.family, r.state, r.dirs];
          return cells.map((c) => (r.quoteAll ? `"${c.replaceAll('"', '""')}"` : cell(c))).join(',');
        });
        const csv = `${bom ? '\uFEFF' : ''}${HEADER}\n${lines.join('\n')}\n`;
        const dry = await importCsv(csv, true);
        expect(dry.status).toBe(200);
        const plan = dry.json as DryRun;
        const real = await importCsv(csv, false);
        expect(real.status).toBeLessThan(500);
        const present = await usersWith(d);
        if (plan.problems.length > 0) {
          expect(real.status).toBe(400);
          expect(present).toBe(0);
        } else {
          expect(real.status).toBe(201);
          expect((real.json as Imported).created).toBe(plan.wouldCreate);
          expect(present).toBe(plan.wouldCreate);
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});

/** The export's rows, as csv-parse reads them. */
const rowsOf = (text: string): string[][] => {
  const rows: unknown = parse(text);
  return rows as string[][];
};

describe('GET /api/users.csv', () => {
  const exportCsv = (query: string) =>
    call(host, 'GET', `/api/users.csv?${query}`, { token: host.adminToken, headers: { accept: 'text/csv' } });

  test('the filtered list with a status and a reason column per directory; formula cells are made text (OWASP)', async () => {
    const d = freshDomain();
    const csv = [
      `${HEADER},displayName`,
      `f1@${d},Eve,Formula,active,google,"=HYPERLINK(""https://evil.example/""; ""click"")"`,
      `f2@${d},Plus,Minus,staged,microsoft,+SUM(A1)`,
      `f3@${d},At,Sign,staged,,@cmd`,
      `f4@${d},Plain,Name,active,google;microsoft,-1`,
    ].join('\n');
    expect((await importCsv(csv, false)).status).toBe(201);
    const res = await exportCsv(`text=${encodeURIComponent(d)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = rowsOf(res.text);
    expect(rows[0]).toEqual([
      'email',
      'displayName',
      'state',
      'passwordStatus',
      'google',
      'googleReason',
      'microsoft',
      'microsoftReason',
      'updatedAt',
    ]);
    const byEmail = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect(rows).toHaveLength(5);
    expect(byEmail.get(`f1@${d}`)?.[1]).toBe('\'=HYPERLINK("https://evil.example/"; "click")');
    expect(byEmail.get(`f2@${d}`)?.[1]).toBe("'+SUM(A1)");
    expect(byEmail.get(`f3@${d}`)?.[1]).toBe("'@cmd");
    expect(byEmail.get(`f4@${d}`)?.[1]).toBe("'-1");
    // Bound: a status; not bound: empty.
    expect(byEmail.get(`f2@${d}`)?.[4]).toBe('');
    expect(byEmail.get(`f2@${d}`)?.[6]).not.toBe('');
    expect(byEmail.get(`f3@${d}`)?.slice(4, 8)).toEqual(['', '', '', '']);
    // Filters narrow it.
    const staged = rowsOf((await exportCsv(`text=${encodeURIComponent(d)}&state=staged`)).text);
    expect(
      staged
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([`f2@${d}`, `f3@${d}`]);
    const google = rowsOf((await exportCsv(`text=${encodeURIComponent(d)}&directoryId=google`)).text);
    expect(
      google
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([`f1@${d}`, `f4@${d}`]);
  });

  test('a list longer than a page is streamed whole: every user once, in order', async () => {
    const d = freshDomain();
    const n = EXPORT_PAGE_SIZE * 2 + 37;
    const emails = Array.from({ length: n }, (_, i) => `s${String(i).padStart(5, '0')}@${d}`);
    const started = await importCsv([HEADER, ...emails.map((e) => `${e},S,Page,staged,`)].join('\n'), false);
    expect(started.status).toBe(202);
    const { jobId } = started.json as { jobId: string };
    await eventually(
      `import job ${jobId}`,
      async () => (await admin('GET', `/api/jobs/${jobId}`)).json as { state: string },
      (job) => job.state === 'done',
    );
    const res = await exportCsv(`text=${encodeURIComponent(d)}`);
    expect(res.status).toBe(200);
    const rows = rowsOf(res.text);
    expect(rows).toHaveLength(n + 1);
    expect(rows.slice(1).map((r) => r[0])).toEqual(emails);
  }, 180_000);

  test('400 for a bad or unknown filter, 404 for an unknown directory, 401 without a token', async () => {
    for (const [query, field] of [
      ['state=retired', 'state'],
      ['sync=owed', 'sync'],
      ['colour=red', 'colour'],
      ['failingReason=auth', 'failingReason'],
      ['state=active&state=staged', 'state'],
    ]) {
      const res = await exportCsv(query ?? '');
      expect([res.status, (res.json as { error: { field: string } }).error.field]).toEqual([400, field]);
    }
    expect((await exportCsv('directoryId=nowhere')).status).toBe(404);
    expect((await call(host, 'GET', '/api/users.csv')).status).toBe(401);
  });
});
