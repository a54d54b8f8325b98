-- The flight recorder (issue 9): what the master's own state was at every moment.
--
-- Beings: a trigger journals every change of a base_beings row (whatever code made it), keyed by
-- soul and the row's branches: an insert as the whole row, an update as the columns it changed,
-- a delete as the fact of it. Replay (server/db/timeline.ts, lib/timeline/replayBeing.ts) starts
-- from the newest snapshot before a moment and applies the journal up to it.
-- Rooms: every Yjs update appended to room_updates is copied here with its time, so compaction of
-- the live log no longer loses history; the retention janitor compacts old history into snapshots.

CREATE TABLE being_journal (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    soul UUID NOT NULL,
    op CHAR(1) NOT NULL CHECK (op IN ('I', 'U', 'D')),
    -- The row's branches after the change (I, U) or before it (D).
    branches TEXT[] NOT NULL,
    -- U only, when the change moved the row between branches: the branches it had before.
    old_branches TEXT[],
    -- Changes made by one transaction replay together (a branch rewrite is a delete and an insert).
    tx BIGINT NOT NULL DEFAULT txid_current(),
    at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    -- The W3C traceparent of the work that made the change, when the writer set luxos.traceparent.
    trace TEXT,
    -- I, and U that moved branches: the whole row; U: only the columns that changed; D: null.
    -- `embedding` is carried as a flag (present or not): 384 numbers as text would cost every write.
    change JSONB
);
CREATE INDEX idx_being_journal_soul ON being_journal (soul, seq);

-- A being's whole state ({branch: row}) after journal entry upto_seq, or a room's Yjs document
-- after room_history entry upto_seq (doc). Snapshots keep every replay within SNAPSHOT_EVERY entries.
CREATE TABLE timeline_snapshots (
    kind TEXT NOT NULL CHECK (kind IN ('being', 'room')),
    key UUID NOT NULL,
    upto_seq BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    state JSONB,
    doc BYTEA,
    -- 'checkpoint': made to bound replay; 'retention': history before `at` was compacted into it.
    reason TEXT NOT NULL CHECK (reason IN ('checkpoint', 'retention')),
    PRIMARY KEY (kind, key, upto_seq),
    CHECK ((kind = 'being') = (state IS NOT NULL) AND (kind = 'room') = (doc IS NOT NULL))
);

-- How far the janitor has counted the journals, and how many entries each being or room gathered
-- since its last snapshot: the janitor snapshots those past SNAPSHOT_EVERY without rescanning history.
CREATE TABLE timeline_pending (
    kind TEXT NOT NULL CHECK (kind IN ('being', 'room')),
    key UUID NOT NULL,
    pending INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE timeline_watermarks (
    journal TEXT PRIMARY KEY CHECK (journal IN ('being', 'room')),
    counted_seq BIGINT NOT NULL
);

CREATE TABLE room_history (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room UUID NOT NULL,
    update BYTEA NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_room_history_room ON room_history (room, seq);

-- Per-room retention: events and room history older than hot_days are archived and compacted.
CREATE TABLE room_retention (
    room UUID PRIMARY KEY,
    hot_days INTEGER NOT NULL CHECK (hot_days >= 1),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_run_at TIMESTAMPTZ
);

-- Every archive file the janitor wrote: what it holds and where it lies under LUXOS_DATA_DIR.
CREATE TABLE timeline_archives (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room UUID NOT NULL,
    file TEXT NOT NULL,
    events INTEGER NOT NULL,
    room_updates INTEGER NOT NULL,
    first_time TIMESTAMPTZ,
    last_time TIMESTAMPTZ,
    cutoff TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_timeline_archives_room ON timeline_archives (room, id);

-- NOTE: the row image is built from the columns base_beings has when this runs, leaving out the
-- embedding and row_version (the branches' copy-on-write counter, bumped by every update: no change of the being's own); a later migration that changes base_beings' columns runs SELECT luxos_timeline_install().
CREATE FUNCTION luxos_timeline_install() RETURNS void
LANGUAGE plpgsql AS $install$
DECLARE
    cols TEXT;
BEGIN
    SELECT string_agg(format('%L, n.%I', attname, attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute
    WHERE attrelid = 'base_beings'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT IN ('embedding', 'row_version');
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION luxos_being_image(n base_beings) RETURNS jsonb LANGUAGE sql STABLE AS %L',
        format('SELECT jsonb_build_object(%s, %L, n.embedding IS NOT NULL)', cols, 'embedding'));
END;
$install$;

SELECT luxos_timeline_install();

-- Writers that must not be journaled (a bulk import replaying history it brings along) set luxos.journal = 'off'.
CREATE FUNCTION luxos_journal_being_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('luxos.journal', true) = 'off' THEN RETURN NULL; END IF;
    INSERT INTO being_journal (soul, op, branches, trace, change)
    SELECT n.soul, 'I', n.branches, nullif(current_setting('luxos.traceparent', true), ''), luxos_being_image(n)
    FROM journal_new n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION luxos_journal_being_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('luxos.journal', true) = 'off' THEN RETURN NULL; END IF;
    INSERT INTO being_journal (soul, op, branches, trace)
    SELECT o.soul, 'D', o.branches, nullif(current_setting('luxos.traceparent', true), '')
    FROM journal_old o;
    RETURN NULL;
END;
$$;

-- NOTE: updates are journaled row by row: pairing old and new rows needs no key, so this keeps
-- working when soul stops being unique (rows as versions per branch).
CREATE FUNCTION luxos_journal_being_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    before JSONB;
    after JSONB;
    changed JSONB;
BEGIN
    IF current_setting('luxos.journal', true) = 'off' THEN RETURN NULL; END IF;
    after := luxos_being_image(NEW);
    IF NEW.branches IS DISTINCT FROM OLD.branches THEN
        INSERT INTO being_journal (soul, op, branches, old_branches, trace, change)
        VALUES (NEW.soul, 'U', NEW.branches, OLD.branches, nullif(current_setting('luxos.traceparent', true), ''), after);
        RETURN NULL;
    END IF;
    before := luxos_being_image(OLD);
    SELECT jsonb_object_agg(a.key, a.value) INTO changed FROM jsonb_each(after) a WHERE a.value IS DISTINCT FROM before -> a.key;
    IF changed IS NULL THEN RETURN NULL; END IF;
    INSERT INTO being_journal (soul, op, branches, trace, change)
    VALUES (NEW.soul, 'U', NEW.branches, nullif(current_setting('luxos.traceparent', true), ''), changed);
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_being_journal_insert AFTER INSERT ON base_beings
    REFERENCING NEW TABLE AS journal_new FOR EACH STATEMENT EXECUTE FUNCTION luxos_journal_being_insert();
CREATE TRIGGER trg_being_journal_delete AFTER DELETE ON base_beings
    REFERENCING OLD TABLE AS journal_old FOR EACH STATEMENT EXECUTE FUNCTION luxos_journal_being_delete();
CREATE TRIGGER trg_being_journal_update AFTER UPDATE ON base_beings
    FOR EACH ROW EXECUTE FUNCTION luxos_journal_being_update();

-- Room history: every update the room server stores, but not the snapshot its compaction writes
-- (server/db/rooms.ts sets luxos.room_compacting): that one only repeats what history already holds.
CREATE FUNCTION luxos_journal_room_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('luxos.room_compacting', true) = 'on' THEN RETURN NULL; END IF;
    INSERT INTO room_history (room, update, at)
    SELECT n.room_soul, n.update, n.created_at::timestamptz FROM journal_new n ORDER BY n.seq;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_room_history AFTER INSERT ON room_updates
    REFERENCING NEW TABLE AS journal_new FOR EACH STATEMENT EXECUTE FUNCTION luxos_journal_room_update();

-- The history of the whole world does not go when a being does: no foreign keys to base_beings here.
