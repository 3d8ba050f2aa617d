// The console's CSV pages and job cancel through the real server (plain form posts, as a browser
// without JavaScript sends them): the import's multipart forms (CSRF, no file, a malformed body,
// problems by line, the confirmation running exactly the checked bytes, two parallel confirmations
// making one job), the export for the console's session with the list's filters, and the job page's
// Cancel button.
import { startTestHost, type TestHost } from '../support/testHost.js';
import { accessibilityProblems, csrfOf, FormClient, type Page } from '../support/formClient.js';
import { adminConsole } from '../support/admin.js';
import { eventually } from '../support/eventually.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({ server: { authRateLimit: { max: 1_000, timeWindowMs: 60_000 } } });
}, 60_000);
afterAll(async () => {
  await host.close();
});

const usersMatching = async (text: string): Promise<number> => {
  const res = await fetch(`${host.url}/api/users?q=${encodeURIComponent(text)}&limit=500`, {
    headers: { authorization: `Bearer ${host.adminToken}` },
  });
  return ((await res.json()) as { total: number }).total;
};
const hiddenOf = (page: Page, name: string): string => {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page.body);
  if (match?.[1] === undefined) throw new Error(`no ${name} field on the page`);
  return match[1];
};
const HEADER = 'email,givenName,familyName,state,directories';

test('the import form: a session, the CSRF token and a file are needed; a malformed body is 400; nothing is imported', async () => {
  const anonymous = new FormClient(host);
  expect((await anonymous.get('/admin/import')).location).toBe('/admin/login');
  const admin = await adminConsole(host);
  const form = await admin.get('/admin/import');
  expect(form.status).toBe(200);
  expect(accessibilityProblems(form.body)).toEqual([]);
  expect(form.body).toContain('enctype="multipart/form-data"');
  const file = { file: { name: 'nocsrf.csv', text: `${HEADER}\nnocsrf@example.net,No,Csrf,active,` } };
  expect((await admin.postMultipart('/admin/import/check', {}, file)).status).toBe(403);
  expect((await admin.postMultipart('/admin/import', { _csrf: csrfOf(form.body) }, {})).status).toBe(400);
  const none = await admin.postMultipart('/admin/import/check', { _csrf: csrfOf(form.body) });
  expect(none.status).toBe(400);
  expect(none.body).toContain('Choose a CSV file first.');
  const empty = await admin.postMultipart('/admin/import/check', { _csrf: csrfOf(form.body) }, { file: { name: 'empty.csv', text: '' } });
  expect([empty.status, empty.body.includes('empty.csv is empty.')]).toEqual([400, true]);
  const broken = await admin.postRaw('/admin/import', 'multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-da');
  expect(broken.status).toBe(400);
  expect(await usersMatching('nocsrf@')).toBe(0);
});

test('check, fix, confirm: problems by line; the confirmation imports the checked file as one job, even confirmed twice at once', async () => {
  const admin = await adminConsole(host);
  const csrf = csrfOf((await admin.get('/admin/import')).body);
  const bad = [HEADER, 'pp-1@example.net,A,One,active,google', 'pp-2@example.net,B,Two,retired,google', 'pp-3,C,Three,active,'].join('\n');
  const checked = await admin.postMultipart('/admin/import/check', { _csrf: csrf }, { file: { name: 'people.csv', text: bad } });
  expect(checked.status).toBe(200);
  expect(accessibilityProblems(checked.body)).toEqual([]);
  expect(checked.body).toContain('people.csv: 2 problems');
  expect(checked.body).toMatch(/<td>3<\/td><td>state<\/td>/);
  expect(checked.body).toMatch(/<td>4<\/td><td>email<\/td>/);
  expect(checked.body).toContain('would create 1 user.');
  expect(await usersMatching('pp-')).toBe(0);

  const good = [
    HEADER,
    'pp-1@example.net,A,One,active,google',
    'pp-2@example.net,B,Two,staged,google',
    'pp-3@example.net,C,Three,active,',
  ].join('\n');
  const ok = await admin.postMultipart('/admin/import/check', { _csrf: csrf }, { file: { name: 'people.csv', text: good } });
  expect(ok.body).toContain('people.csv: no problems');
  expect(ok.body).toContain('Importing it would create 3 users.');
  // The confirmation carries the checked bytes.
  expect(Buffer.from(hiddenOf(ok, 'checked'), 'base64').toString('utf8')).toBe(good);
  expect(await usersMatching('pp-')).toBe(0);

  const confirm = () =>
    admin.postMultipart('/admin/import', { _csrf: csrfOf(ok.body), checked: hiddenOf(ok, 'checked'), name: 'people.csv' });
  const [a, b] = await Promise.all([confirm(), confirm()]);
  expect([a.status, b.status]).toEqual([303, 303]);
  expect(a.location).toMatch(/^\/admin\/jobs\/[^/]+$/);
  expect(b.location).toBe(a.location);
  const jobPath = a.location ?? '';
  const job = await eventually(
    'the import job to finish',
    () => admin.get(jobPath),
    (page) => page.body.includes('<h1>Finished</h1>'),
  );
  expect(accessibilityProblems(job.body)).toEqual([]);
  expect(job.body).toContain('3 of 3 done, 0 failed.');
  expect(job.body).toContain('line 4: created pp-3@example.net');
  // A finished job has no Cancel button; a cancel posted anyway changes nothing and says so.
  expect(job.body).not.toContain('Cancel the job');
  expect(await usersMatching('pp-')).toBe(3);
  const late = await admin.post(`${jobPath}/cancel`, { _csrf: csrf });
  expect([late.status, late.location]).toEqual([303, jobPath]);
  expect((await admin.get(jobPath)).body).toContain('The job had already finished; nothing was cancelled.');
  expect((await admin.post('/admin/jobs/no-such-job/cancel', { _csrf: csrf })).status).toBe(404);

  // A confirmation whose file has problems (changed after its check) is refused with them, and imports nothing.
  const tampered = Buffer.from(`${HEADER}\npp-9@example.net,Z,Nine,retired,`).toString('base64');
  const refused = await admin.postMultipart('/admin/import', { _csrf: csrf, checked: tampered, name: 'people.csv' });
  expect(refused.status).toBe(400);
  expect(refused.body).toContain('people.csv: 1 problem');
  expect(await usersMatching('pp-9')).toBe(0);
});

test('Export CSV: the filtered list for the console session, the same refusals as the list', async () => {
  expect((await new FormClient(host).get('/admin/users.csv')).location).toBe('/admin/login');
  const admin = await adminConsole(host);
  const list = await admin.get('/admin/users?state=staged&text=pp-');
  expect(list.body).toContain('href="/admin/users.csv?state=staged&amp;text=pp-"');
  const csv = await admin.get('/admin/users.csv?state=staged&text=pp-', { accept: 'text/csv' });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const emails = csv.body
    .trim()
    .split('\r\n')
    .slice(1)
    .map((line) => line.split(',')[0]);
  expect(emails).toEqual(['"pp-2@example.net"']);
  const bad = await admin.get('/admin/users.csv?state=retired');
  expect(bad.status).toBe(400);
  expect(bad.headers.get('content-type')).toContain('text/html');
  expect((await admin.get('/admin/users.csv?directoryId=nowhere')).status).toBe(404);
});
