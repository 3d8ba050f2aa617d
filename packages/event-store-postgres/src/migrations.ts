import { APPEND_LOCK_CLASS } from './appendLock.js';

/**
 * Versioned migrations; `s` is the quoted schema. Never edit a released step: add one.
 * Global order: `tx` (the writing transaction's xid8) + `global_position`, read only below the
 * oldest running transaction that may append (see docs/event-stores.md).
 */
export const migrations: ReadonlyArray<(s: string, appendLockKey: number) => string> = [
  (s) => `
    CREATE TABLE ${s}.streams (
      stream_id text PRIMARY KEY,
      version   bigint NOT NULL
    );
    CREATE TABLE ${s}.events (
      global_position bigint GENERATED ALWAYS AS IDENTITY,
      tx              xid8   NOT NULL DEFAULT pg_current_xact_id(),
      stream_id       text   NOT NULL,
      revision        bigint NOT NULL,
      event_id        text   NOT NULL,
      type            text   NOT NULL,
      data            json   NOT NULL,
      metadata        json   NOT NULL,
      recorded_at     timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT events_pkey PRIMARY KEY (stream_id, revision),
      CONSTRAINT events_event_id_key UNIQUE (event_id)
    );
    CREATE INDEX events_global_order ON ${s}.events (tx, global_position);
    CREATE TABLE ${s}.checkpoints (
      subscription_id text PRIMARY KEY,
      position        text NOT NULL,
      updated_at      timestamptz NOT NULL DEFAULT now()
    );
    -- One round trip per append: idempotency probe, version guard (the streams row lock serialises
    -- writers of one stream), insert. p_expected: >= 0 exact, -1 no-stream, -2 stream-exists, -3 any.
    CREATE FUNCTION ${s}.append_events(
      p_stream text, p_expected bigint, p_ids text[], p_types text[], p_data json[], p_metadata json[]
    ) RETURNS TABLE (outcome text, version bigint, tx text, last_position bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_n bigint := cardinality(p_ids);
      v_version bigint;
    BEGIN
      IF EXISTS (SELECT 1 FROM ${s}.events e WHERE e.event_id = p_ids[1]) THEN
        RETURN QUERY SELECT 'duplicate'::text, NULL::bigint, NULL::text, NULL::bigint;
        RETURN;
      END IF;
      IF p_expected = -3 THEN
        INSERT INTO ${s}.streams AS st (stream_id, version) VALUES (p_stream, v_n - 1)
          ON CONFLICT (stream_id) DO UPDATE SET version = st.version + v_n
          RETURNING st.version INTO v_version;
      ELSIF p_expected = -1 THEN
        INSERT INTO ${s}.streams AS st (stream_id, version) VALUES (p_stream, v_n - 1)
          ON CONFLICT (stream_id) DO NOTHING
          RETURNING st.version INTO v_version;
      ELSIF p_expected = -2 THEN
        UPDATE ${s}.streams st SET version = st.version + v_n WHERE st.stream_id = p_stream
          RETURNING st.version INTO v_version;
      ELSE
        UPDATE ${s}.streams st SET version = st.version + v_n WHERE st.stream_id = p_stream AND st.version = p_expected
          RETURNING st.version INTO v_version;
      END IF;
      IF v_version IS NULL THEN
        RETURN QUERY SELECT 'conflict'::text, (SELECT st.version FROM ${s}.streams st WHERE st.stream_id = p_stream),
          NULL::text, NULL::bigint;
        RETURN;
      END IF;
      RETURN QUERY
        WITH inserted AS (
          INSERT INTO ${s}.events (stream_id, revision, event_id, type, data, metadata)
          SELECT p_stream, v_version - v_n + u.ord, u.id, u.type, u.data, u.metadata
          FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS u(id, type, data, metadata, ord)
          ORDER BY u.ord
          RETURNING global_position
        )
        SELECT 'ok'::text, v_version, pg_current_xact_id()::text, max(inserted.global_position) FROM inserted;
    END
    $fn$;`,
  // Wake-ups: every transaction that appends notifies the schema's channel once, at commit (NOTIFY
  // folds identical notifications of one transaction). Quota budgets shared by engine instances.
  (s) => `
    CREATE FUNCTION ${s}.notify_appended() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM pg_notify(left('takeover_appended_' || TG_TABLE_SCHEMA, 63), '');
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER events_appended AFTER INSERT ON ${s}.events
      FOR EACH STATEMENT EXECUTE FUNCTION ${s}.notify_appended();
    CREATE TABLE ${s}.quota_budgets (
      budget_key    text PRIMARY KEY,
      quota         double precision NOT NULL,
      floor         double precision NOT NULL,
      rate          double precision NOT NULL,
      next_slot     double precision NOT NULL,
      not_before    double precision NOT NULL DEFAULT 0,
      throttled_at  double precision NOT NULL DEFAULT 0
    );`,
  // The global order no longer waits for every running transaction of the cluster, only for those
  // that may append here: append_events refuses a transaction that has written already, and takes
  // the schema's append lock (shared) before its first write, so a running transaction with an id
  // and without that lock never appends.
  (s, key) => `
    CREATE OR REPLACE FUNCTION ${s}.append_events(
      p_stream text, p_expected bigint, p_ids text[], p_types text[], p_data json[], p_metadata json[]
    ) RETURNS TABLE (outcome text, version bigint, tx text, last_position bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_n bigint := cardinality(p_ids);
      v_version bigint;
    BEGIN
      -- Readers of the global order pass over running transactions that do not hold this schema's
      -- append lock (sql.ts, horizon): so a transaction appends only if it wrote nothing before, and
      -- takes the lock before its first write gives it a transaction id.
      IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'append_events must run before any other write of its transaction'
          USING ERRCODE = '25001', HINT = 'Append in a transaction of its own (the adapter''s appendToStream does).';
      END IF;
      PERFORM pg_advisory_xact_lock_shared(${String(APPEND_LOCK_CLASS)}, ${String(key)});
      IF EXISTS (SELECT 1 FROM ${s}.events e WHERE e.event_id = p_ids[1]) THEN
        RETURN QUERY SELECT 'duplicate'::text, NULL::bigint, NULL::text, NULL::bigint;
        RETURN;
      END IF;
      IF p_expected = -3 THEN
        INSERT INTO ${s}.streams AS st (stream_id, version) VALUES (p_stream, v_n - 1)
          ON CONFLICT (stream_id) DO UPDATE SET version = st.version + v_n
          RETURNING st.version INTO v_version;
      ELSIF p_expected = -1 THEN
        INSERT INTO ${s}.streams AS st (stream_id, version) VALUES (p_stream, v_n - 1)
          ON CONFLICT (stream_id) DO NOTHING
          RETURNING st.version INTO v_version;
      ELSIF p_expected = -2 THEN
        UPDATE ${s}.streams st SET version = st.version + v_n WHERE st.stream_id = p_stream
          RETURNING st.version INTO v_version;
      ELSE
        UPDATE ${s}.streams st SET version = st.version + v_n WHERE st.stream_id = p_stream AND st.version = p_expected
          RETURNING st.version INTO v_version;
      END IF;
      IF v_version IS NULL THEN
        RETURN QUERY SELECT 'conflict'::text, (SELECT st.version FROM ${s}.streams st WHERE st.stream_id = p_stream),
          NULL::text, NULL::bigint;
        RETURN;
      END IF;
      RETURN QUERY
        WITH inserted AS (
          INSERT INTO ${s}.events (stream_id, revision, event_id, type, data, metadata)
          SELECT p_stream, v_version - v_n + u.ord, u.id, u.type, u.data, u.metadata
          FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS u(id, type, data, metadata, ord)
          ORDER BY u.ord
          RETURNING global_position
        )
        SELECT 'ok'::text, v_version, pg_current_xact_id()::text, max(inserted.global_position) FROM inserted;
    END
    $fn$;`,
  // One event, the common case (a login, each outcome a settle records): the same guarantees as
  // append_events (refuses a transaction that wrote before it, takes the append lock before its first
  // write, version guard on the streams row, one INSERT firing the wake-up trigger) with scalar
  // arguments and one text value back ('ok <version> <tx> <position>', 'conflict <version>' or
  // 'duplicate'), called in the select list: no arrays, no unnest, no function scan. The idempotency
  // probe runs only when the guard refuses: a retried event whose guard still passes (expected any /
  // stream-exists / an unmoved exact version) hits events_event_id_key, which the adapter reads as a
  // duplicate.
  (s, key) => `
    CREATE FUNCTION ${s}.append_event(
      p_stream text, p_expected bigint, p_id text, p_type text, p_data json, p_metadata json
    ) RETURNS text LANGUAGE plpgsql AS $fn$
    DECLARE
      v_version bigint;
      v_position bigint;
    BEGIN
      IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'append_event must run before any other write of its transaction'
          USING ERRCODE = '25001', HINT = 'Append in a transaction of its own (the adapter''s appendToStream does).';
      END IF;
      PERFORM pg_advisory_xact_lock_shared(${String(APPEND_LOCK_CLASS)}, ${String(key)});
      IF p_expected = -3 THEN
        INSERT INTO ${s}.streams AS st (stream_id, version) VALUES (p_stream, 0)
          ON CONFLICT (stream_id) DO UPDATE SET version = st.version + 1
          RETURNING st.version INTO v_version;
      ELSIF p_expected = -1 THEN
        INSERT INTO ${s}.streams AS st (stream_id, version) VALUES (p_stream, 0)
          ON CONFLICT (stream_id) DO NOTHING
          RETURNING st.version INTO v_version;
      ELSIF p_expected = -2 THEN
        UPDATE ${s}.streams st SET version = st.version + 1 WHERE st.stream_id = p_stream
          RETURNING st.version INTO v_version;
      ELSE
        UPDATE ${s}.streams st SET version = st.version + 1 WHERE st.stream_id = p_stream AND st.version = p_expected
          RETURNING st.version INTO v_version;
      END IF;
      IF v_version IS NULL THEN
        IF EXISTS (SELECT 1 FROM ${s}.events e WHERE e.event_id = p_id) THEN
          RETURN 'duplicate';
        END IF;
        SELECT st.version INTO v_version FROM ${s}.streams st WHERE st.stream_id = p_stream;
        RETURN 'conflict ' || coalesce(v_version::text, 'none');
      END IF;
      INSERT INTO ${s}.events (stream_id, revision, event_id, type, data, metadata)
        VALUES (p_stream, v_version, p_id, p_type, p_data, p_metadata)
        RETURNING global_position INTO v_position;
      RETURN 'ok ' || v_version || ' ' || pg_current_xact_id() || ' ' || v_position;
    END
    $fn$;`,
];
