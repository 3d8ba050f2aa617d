// @takeover/read-models: the engine's read models in the events' own database. The dialects are
// subpath exports (`@takeover/read-models/sqlite`, `@takeover/read-models/postgres`), so a program
// installs only the driver it uses; this entry point holds what they share.
export { sqlUserListView, storedBindingOf } from './userListView.js';
export type { SqlReader, BindingRow } from './userListView.js';
export { whereOf, pageOf, countOf, idsOf, rolloutCounts, completions } from './userListSql.js';
export type { Sql, Tables } from './userListSql.js';
export { foldBatch, touchedBy } from './userListFold.js';
export type { FoldedBatch, TrackedDirectory } from './userListFold.js';
