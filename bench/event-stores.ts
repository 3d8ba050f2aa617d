// Event store benchmarks: `npm run bench:event-stores` (BENCH_SCALE=0.1 for a smoke run).
// Prints one JSON line per figure with the raw baseline measured in the same run. Not a test.
import { benchPostgres } from './event-stores/postgres.js';
import { scale } from './event-stores/report.js';
import { benchSqlite } from './event-stores/sqlite.js';

const s = scale();
await benchSqlite(s);
await benchPostgres(s);
