/**
 * The append lock: every appending transaction holds `pg_advisory_xact_lock_shared(APPEND_LOCK_CLASS,
 * appendLockKey(schema))` from before its first write to its end, so a reader of the global order can
 * tell the running transactions that may append to this schema from all the others (sql.ts,
 * `horizon`). Shared: appenders never wait for each other on it.
 */
export const APPEND_LOCK_CLASS = 0x7461; // 'ta'

/** The lock's second key: the schema's name hashed (FNV-1a) to a non-negative int4, the same in every process. */
export const appendLockKey = (schema: string): number => {
  let h = 0x811c9dc5;
  for (const ch of schema) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
};
