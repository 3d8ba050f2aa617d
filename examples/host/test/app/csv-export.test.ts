// The CSV export streams: pages are read by keyset one at a time as chunks are pulled, so the
// memory it holds is one page whatever the number of users (counted in pages read, not in time).
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import type { UserListPage, UserListQuery, UserListRow } from '@takeover/engine';
import { EXPORT_PAGE_SIZE, exportUsers } from '../../src/app/csvExport.js';

/** A list of `n` synthetic users, paged by keyset on the email like the real view; counts the pages read. */
const syntheticList = (n: number) => {
  const emails = Array.from({ length: n }, (_, i) => `user-${String(i).padStart(6, '0')}@example.com`);
  const counter = { pages: 0, largest: 0 };
  const list = (query: UserListQuery): Promise<UserListPage> => {
    counter.pages += 1;
    const limit = query.limit ?? 50;
    const start = query.after === undefined ? 0 : emails.indexOf(query.after) + 1;
    const slice = emails.slice(start, start + limit);
    counter.largest = Math.max(counter.largest, slice.length);
    const rows = slice.map(
      (email): UserListRow =>
        ({
          userId: email,
          email,
          displayName: `=${email}`,
          state: 'active',
          passwordStatus: 'set',
          directories: [{ directoryId: 'google', sync: 'in-sync' }],
          updatedAt: '2026-12-01T00:00:00.000Z',
        }) as unknown as UserListRow,
    );
    const last = slice[slice.length - 1];
    return Promise.resolve({ rows, total: n, ...(start + limit < n && last !== undefined ? { next: last } : {}) });
  };
  return { list, counter, emails };
};

test('the export reads one page per pulled chunk, and the whole file has every user once, in order', async () => {
  const n = 10_250;
  const { list, counter, emails } = syntheticList(n);
  const chunks = await exportUsers({ directories: ['google', 'microsoft'], list }, {});
  // The first page is read up front (a refused filter is answered before the response starts).
  expect(counter.pages).toBe(1);
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  expect(counter.pages).toBe(1);
  expect(first.value).toMatch(
    /^"email","displayName","state","passwordStatus","google","googleReason","microsoft","microsoftReason","updatedAt"\r\n/,
  );
  await it.next();
  expect(counter.pages).toBe(2);
  await it.next();
  expect(counter.pages).toBe(3);

  // Consumed whole through a stream, as the route sends it.
  counter.pages = 0;
  let text = '';
  await pipeline(
    Readable.from(await exportUsers({ directories: ['google', 'microsoft'], list }, {}), { objectMode: false }),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    }),
  );
  expect(counter.pages).toBe(Math.ceil(n / EXPORT_PAGE_SIZE));
  expect(counter.largest).toBe(EXPORT_PAGE_SIZE);
  const parsed: unknown = parse(text);
  const rows = parsed as string[][];
  expect(rows).toHaveLength(n + 1);
  expect(rows.slice(1).map((r) => r[0])).toEqual(emails);
  // Formula cells are still neutralised; bound: a status, not bound: empty.
  expect(rows[1]?.slice(1, 9)).toEqual([`'=${emails[0] ?? ''}`, 'active', 'set', 'in-sync', '', '', '', '2026-12-01T00:00:00.000Z']);
});

test('a reader that stops after two chunks has had at most three pages read: the stream reads only as far as it buffers', async () => {
  const { list, counter } = syntheticList(20_000);
  const readable = Readable.from(await exportUsers({ directories: ['google'], list }, {}), { objectMode: false });
  // Two chunks, then the reader stops: the stream buffers 16 KiB (less than a page) ahead, so it pulled at most one more page.
  const got: Buffer[] = [];
  for await (const chunk of readable) {
    got.push(chunk as Buffer);
    if (got.length === 2) break;
  }
  expect(counter.pages).toBeLessThanOrEqual(3);
  expect(counter.pages).toBeLessThan(Math.ceil(20_000 / EXPORT_PAGE_SIZE));
});
