// The CSV export (`GET /api/users.csv?…filter…`, the console's "Export CSV"): the filtered user list
// from the `UserListView` port, one row per user with a status column (and a reason column) per
// configured directory, written by csv-stringify (quoting is a solved problem, see the README).
// Every cell that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage
// return) is prefixed with a single quote, as OWASP's "CSV Injection" page recommends, and every
// cell is quoted.
//
// The file is streamed: pages of the list are read by keyset one at a time, as the response is
// consumed, so memory holds one page whatever the number of users (a slow client slows the reading).
import { stringify } from 'csv-stringify/sync';
import type { UserListFilter, UserListPage, UserListQuery } from '@takeover/engine';

const FORMULA = /^[=+\-@\t\r]/;
/** OWASP: a cell a spreadsheet could evaluate is made text by a leading single quote. */
export const neutralise = (cell: string): string => (FORMULA.test(cell) ? `'${cell}` : cell);

/** Users read per page (the list view's largest page). */
export const EXPORT_PAGE_SIZE = 500;

/** What the export reads: the configured directories' ids (one status column each) and the list's pages. */
export interface ExportSource {
  readonly directories: ReadonlyArray<string>;
  readonly list: (query: UserListQuery) => Promise<UserListPage>;
}

const csvText = (rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  stringify(rows as string[][], { quoted: true, record_delimiter: 'windows' });

const rowsOf = (directories: ReadonlyArray<string>, page: UserListPage): string[][] =>
  page.rows.map((r) => {
    const byDirectory = new Map(r.directories.map((d) => [d.directoryId as string, d]));
    return [
      r.email,
      r.displayName,
      r.state,
      r.passwordStatus,
      // An empty status: not bound to that directory.
      ...directories.flatMap((d) => [byDirectory.get(d)?.sync ?? '', byDirectory.get(d)?.reason ?? '']),
      r.updatedAt,
    ].map(neutralise);
  });

/**
 * The export as chunks of text: the header with the first page, then one chunk per page. The first
 * page is read before this resolves, so a filter the view refuses throws here (before a response
 * starts); the next pages are read only as the chunks are pulled.
 */
export const exportUsers = async (
  source: ExportSource,
  filter: UserListFilter,
  pageSize: number = EXPORT_PAGE_SIZE,
): Promise<AsyncIterable<string>> => {
  const { directories } = source;
  const header = ['email', 'displayName', 'state', 'passwordStatus', ...directories.flatMap((d) => [d, `${d}Reason`]), 'updatedAt'];
  const read = (after: string | undefined) =>
    source.list({ filter, sort: 'email', order: 'asc', limit: pageSize, ...(after === undefined ? {} : { after }) });
  const first = await read(undefined);
  return {
    [Symbol.asyncIterator]: async function* () {
      yield csvText([header, ...rowsOf(directories, first)]);
      for (let after = first.next; after !== undefined;) {
        const page = await read(after);
        if (page.rows.length > 0) yield csvText(rowsOf(directories, page));
        after = page.next;
      }
    },
  };
};
