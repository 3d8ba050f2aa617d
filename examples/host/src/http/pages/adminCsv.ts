// The console's CSV pages (issue 14). Export: the user list's "Export CSV" link, the filtered list
// streamed like `GET /api/users.csv`, for the console's session. Import: choose a file, check it (a dry run listing every problem by
// line, column and reason, and how many users it would create), confirm, then follow the job's
// progress and results on the job page (adminRollout.ts). Plain forms, no script: the file is posted
// as multipart/form-data, which the platform's own parser reads (`Response.formData()`, undici);
// the checked file comes back with the confirmation base64-encoded in a hidden field, so the import
// runs exactly the bytes that were checked, and is checked again before it runs.
import { Readable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CsvProblem } from '../../app/csvImport.js';
import { CSV_MAX_BYTES } from '../../app/csvImport.js';
import { decodeUserListFilter } from '../../app/inputs.js';
import type { AdminPrincipal, HostApp, ImportAnswer } from '../../app/hostApp.js';
import { adminOf } from '../sessions.js';
import { ConsolePage, sendConsoleProblem } from './adminCommon.js';
import type { VNode } from './html.js';
import { html } from './html.js';
import { csrfCheck, redirectWithFlash, sendPage, takeFlash } from './support.js';
import { Csrf } from './ui.js';

/** A multipart upload as the routes read it: the CSRF token and the file's text (or why there is none). */
interface Upload {
  readonly _csrf: string;
  readonly csv?: string;
  readonly name?: string;
  /** Why no file could be read (none chosen, too large, not text). */
  readonly missing?: string;
}

/** The largest multipart body: the file base64-encoded (the confirmation) plus the form's other fields. */
const UPLOAD_LIMIT = Math.ceil((CSV_MAX_BYTES * 4) / 3) + 64 * 1024;
const MB = (bytes: number) => `${String(Math.round(bytes / (1024 * 1024)))} MB`;

/** Reads a multipart form: `file` (the chosen file) or `checked` (the base64 of a file already checked). */
const readUpload = async (contentType: string, body: Buffer): Promise<Upload> => {
  const form = await new Response(Uint8Array.from(body), { headers: { 'content-type': contentType } }).formData();
  const text = (name: string): string => {
    const v = form.get(name);
    return typeof v === 'string' ? v : '';
  };
  const base = { _csrf: text('_csrf') };
  const checked = text('checked');
  if (checked !== '') {
    const csv = Buffer.from(checked, 'base64');
    return csv.length > CSV_MAX_BYTES
      ? { ...base, missing: `The file is larger than ${MB(CSV_MAX_BYTES)}.` }
      : { ...base, csv: csv.toString('utf8'), name: text('name') };
  }
  const file = form.get('file');
  if (file === null || typeof file === 'string' || file.size === 0)
    return {
      ...base,
      missing: file !== null && typeof file !== 'string' && file.name !== '' ? `${file.name} is empty.` : 'Choose a CSV file first.',
    };
  if (file.size > CSV_MAX_BYTES)
    return { ...base, missing: `${file.name} is larger than ${MB(CSV_MAX_BYTES)}; split it into several files.` };
  return { ...base, csv: await file.text(), name: file.name };
};

const uploadOf = (request: FastifyRequest): Upload => {
  const body = request.body as Upload | undefined;
  return body ?? { _csrf: '', missing: 'Choose a CSV file first.' };
};

const COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['email', 'required'],
  ['givenName', 'required'],
  ['familyName', 'required'],
  ['state', 'required: active or staged'],
  ['directories', 'directory ids separated by ";" (for example google;microsoft)'],
  ['displayName, jobTitle, department, mobilePhone, officeLocation, employeeId', 'optional attributes'],
  ['externalKeys', 'optional: directoryId:key pairs separated by ";", the existing account in each directory'],
  ['alreadyInSync', 'optional: true when that account already has the password (a migration)'],
];

const UploadForm = ({ reply, again }: { readonly reply: FastifyReply; readonly again: boolean }): VNode =>
  html`<form method="post" action="/admin/import/check" enctype="multipart/form-data" class="upload">
    ${Csrf({ token: reply.generateCsrf() })}
    <div class="field"><label for="file">${again ? 'The corrected file' : 'CSV file'}</label>
      <input id="file" name="file" type="file" accept=".csv,text/csv" required /></div>
    <p>Checking changes nothing: you see every problem, and how many users the file would create, before anything is imported.</p>
    <button type="submit">Check the file</button>
  </form>` as VNode;

const ProblemTable = ({ problems, truncated }: { readonly problems: ReadonlyArray<CsvProblem>; readonly truncated: boolean }): VNode =>
  html`<table aria-labelledby="problems-heading" class="problems">
    <thead><tr><th scope="col">Line</th><th scope="col">Column</th><th scope="col">Problem</th></tr></thead>
    <tbody>${problems.map((p) => html`<tr><td>${String(p.line)}</td><td>${p.column ?? '(the whole line)'}</td><td>${p.reason}</td></tr>`)}</tbody>
    ${truncated ? html`<caption>Only the first ${String(problems.length)} problems are listed; fix these and check again.</caption>` : null}
  </table>` as VNode;

const plural = (n: number, what: string) => `${String(n)} ${what}${n === 1 ? '' : 's'}`;

/** The check's answer: the problems (and the form to upload a corrected file), or the confirmation. */
const checkedPage = (app: HostApp, reply: FastifyReply, upload: Upload & { readonly csv: string }, answer: ImportAnswer): VNode => {
  const name = upload.name === undefined || upload.name === '' ? 'The file' : upload.name;
  if (answer.kind === 'refused' || (answer.kind === 'dry-run' && answer.problems.length > 0)) {
    const count = answer.truncated ? `More than ${String(answer.problems.length)} problems` : plural(answer.problems.length, 'problem');
    return ConsolePage({
      app,
      reply,
      title: 'The file has problems',
      children: html`<h1>${name}: ${count}</h1>
        <p role="alert">Nothing was imported. Fix every line listed below (line 1 is the header) and check the file again.${
          answer.kind === 'dry-run' && answer.wouldCreate > 0
            ? ` Once it is fixed, the lines without a problem would create ${plural(answer.wouldCreate, 'user')}.`
            : ''
        }</p>
        <h2 id="problems-heading">Problems</h2>
        ${ProblemTable({ problems: answer.problems, truncated: answer.truncated })}
        <h2>Check the corrected file</h2>
        ${UploadForm({ reply, again: true })}`,
    });
  }
  const wouldCreate = answer.kind === 'dry-run' ? answer.wouldCreate : 0;
  const unchanged = answer.kind === 'dry-run' ? answer.unchanged : 0;
  return ConsolePage({
    app,
    reply,
    title: 'Confirm the import',
    children: html`<h1>${name}: no problems</h1>
      <p role="status" id="would-create">Importing it would create ${plural(wouldCreate, 'user')}.${
        unchanged > 0
          ? ` ${plural(unchanged, 'line')} name an email that already has a user; ${unchanged === 1 ? 'it changes' : 'they change'} nothing.`
          : ''
      }</p>
      <p>Users bound to a directory get an account there (linked by email, or created) and an email to set their password.</p>
      <form method="post" action="/admin/import" enctype="multipart/form-data">
        ${Csrf({ token: reply.generateCsrf() })}
        <input type="hidden" name="checked" value=${Buffer.from(upload.csv, 'utf8').toString('base64')} />
        <input type="hidden" name="name" value=${upload.name ?? ''} />
        <button type="submit" disabled=${wouldCreate + unchanged === 0}>Import: create ${plural(wouldCreate, 'user')}</button>
        <a href="/admin/import">Choose another file</a>
      </form>`,
  });
};

const missingPage = (app: HostApp, reply: FastifyReply, reason: string): FastifyReply =>
  sendPage(
    reply,
    ConsolePage({
      app,
      reply,
      title: 'No file to import',
      children: html`<h1>No file to import</h1><p role="alert">${reason}</p>${UploadForm({ reply, again: false })}`,
    }),
    400,
  );

const checkRoute =
  (app: HostApp, dryRun: boolean) =>
  async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const by: AdminPrincipal = adminOf(request);
    const upload = uploadOf(request);
    if (upload.csv === undefined) return missingPage(app, reply, upload.missing ?? 'Choose a CSV file first.');
    const csv = upload.csv;
    const outcome = await app.admin.importUsers(by, csv, { dryRun, asJob: true });
    if (E.isLeft(outcome)) return sendConsoleProblem(app, reply, outcome.left, dryRun ? 'The file could not be checked' : 'Not imported');
    const answer = outcome.right;
    if (answer.kind === 'job')
      return redirectWithFlash(
        reply,
        app,
        `/admin/jobs/${encodeURIComponent(answer.jobId)}`,
        `Importing ${plural(answer.total, 'line')}. You can leave this page and come back: the import goes on.`,
      );
    if (answer.kind === 'imported')
      return redirectWithFlash(reply, app, '/admin/users', `Imported: ${plural(answer.result.created, 'user')} created.`);
    return sendPage(reply, checkedPage(app, reply, { ...upload, csv }, answer), answer.kind === 'refused' ? 400 : 200);
  };

/** `GET /admin/users.csv?…filter…`: the export for the console's session (the same filters as the list, the same 400/404). */
const exportRoute =
  (app: HostApp) =>
  async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const decoded = decodeUserListFilter(request.query);
    if (E.isLeft(decoded)) return sendConsoleProblem(app, reply, decoded.left, 'The list cannot be exported');
    const outcome = await app.admin.exportUsers(decoded.right);
    if (E.isLeft(outcome)) return sendConsoleProblem(app, reply, outcome.left, 'The list cannot be exported');
    return reply
      .header('cache-control', 'no-store')
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="users.csv"')
      .send(Readable.from(outcome.right, { objectMode: false }));
  };

/**
 * GET /admin/users.csv (the export), GET /admin/import (the form), POST /admin/import/check (the
 * dry run), POST /admin/import (the job): in their own scope, which alone reads multipart bodies.
 */
export const registerAdminCsv = (server: FastifyInstance, app: HostApp): void => {
  void server.register((scope, _options, done) => {
    // multipart/form-data for these routes only: the body is read whole (up to the limit), then parsed; the CSRF check reads `_csrf` from it.
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT }, (request, body, parsed) => {
      readUpload(String(request.headers['content-type']), body as Buffer).then(
        (upload) => parsed(null, upload),
        () => parsed(Object.assign(new Error('the form is not valid multipart/form-data'), { statusCode: 400 }), undefined),
      );
    });
    const csrf = csrfCheck(scope);
    scope.get('/admin/users.csv', exportRoute(app));
    scope.get('/admin/import', async (request, reply) => {
      return sendPage(
        reply,
        ConsolePage({
          app,
          reply,
          title: 'Import users from a CSV file',
          flash: takeFlash(request, reply, app),
          children: html`<h1>Import users from a CSV file</h1>
            <p>The first line names the columns; then one user a line. Columns:</p>
            <table aria-label="Columns"><tbody>${COLUMNS.map(([c, what]) => html`<tr><th scope="row"><code>${c}</code></th><td>${what}</td></tr>`)}</tbody></table>
            <p>Up to ${MB(CSV_MAX_BYTES)}. Importing the same file again creates nobody twice.</p>
            ${UploadForm({ reply, again: false })}`,
        }),
      );
    });
    scope.post('/admin/import/check', { preHandler: csrf, bodyLimit: UPLOAD_LIMIT }, checkRoute(app, true));
    scope.post('/admin/import', { preHandler: csrf, bodyLimit: UPLOAD_LIMIT }, checkRoute(app, false));
    done();
  });
};
