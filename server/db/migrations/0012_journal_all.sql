-- The flight recorder journals everything a being is (issue 9): its copy-on-write versions in branches
-- and the relationships touching it, besides its base_beings row (0008).
--
-- Versions: being_versions changes go into being_journal with layer 'version' (base rows are layer
-- 'base'), under the same soul, so one replay rebuilds the being's row in every branch: a branch's
-- version over the row it read through, a tombstone (deleted) as the being gone from that branch.
-- Relationships: relationship_journal, keyed by the relationship id and both ends. Its seq comes from
-- being_journal's sequence, so one number orders both journals: a moment (a seq) and a being's
-- snapshot (upto_seq) stand at the same place in both.

ALTER TABLE being_journal ADD COLUMN layer TEXT NOT NULL DEFAULT 'base' CHECK (layer IN ('base', 'version'));

-- NOTE: rebuilds both row images from the columns the tables have when it runs; a migration that changes
-- base_beings' or being_versions' columns runs SELECT luxos_timeline_install() again. A version's image
-- leaves out its id and its merge bookkeeping (row_version, base_row_version), which are no change of the being.
CREATE OR REPLACE FUNCTION luxos_timeline_install() RETURNS void
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
    SELECT string_agg(format('%L, n.%I', attname, attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute
    WHERE attrelid = 'being_versions'::regclass AND attnum > 0 AND NOT attisdropped
      AND attname NOT IN ('embedding', 'row_version', 'base_row_version', 'version_id');
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION luxos_version_image(n being_versions) RETURNS jsonb LANGUAGE sql STABLE AS %L',
        format('SELECT jsonb_build_object(%s, %L, n.embedding IS NOT NULL)', cols, 'embedding'));
END;
$install$;

SELECT luxos_timeline_install();

CREATE FUNCTION luxos_journal_version_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('luxos.journal', true) = 'off' THEN RETURN NULL; END IF;
    INSERT INTO being_journal (soul, op, branches, trace, change, layer)
    SELECT n.soul, 'I', n.branches, nullif(current_setting('luxos.traceparent', true), ''), luxos_version_image(n), 'version'
    FROM journal_new n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION luxos_journal_version_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('luxos.journal', true) = 'off' THEN RETURN NULL; END IF;
    INSERT INTO being_journal (soul, op, branches, trace, layer)
    SELECT o.soul, 'D', o.branches, nullif(current_setting('luxos.traceparent', true), ''), 'version'
    FROM journal_old o;
    RETURN NULL;
END;
$$;

CREATE FUNCTION luxos_journal_version_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    before JSONB;
    after JSONB;
    changed JSONB;
BEGIN
    IF current_setting('luxos.journal', true) = 'off' THEN RETURN NULL; END IF;
    after := luxos_version_image(NEW);
    IF NEW.branches IS DISTINCT FROM OLD.branches THEN
        INSERT INTO being_journal (soul, op, branches, old_branches, trace, change, layer)
        VALUES (NEW.soul, 'U', NEW.branches, OLD.branches, nullif(current_setting('luxos.traceparent', true), ''), after, 'version');
        RETURN NULL;
    END IF;
    before := luxos_version_image(OLD);
    SELECT jsonb_object_agg(a.key, a.value) INTO changed FROM jsonb_each(after) a WHERE a.value IS DISTINCT FROM before -> a.key;
    IF changed IS NULL THEN RETURN NULL; END IF;
    INSERT INTO being_journal (soul, op, branches, trace, change, layer)
    VALUES (NEW.soul, 'U', NEW.branches, nullif(current_setting('luxos.traceparent', true), ''), changed, 'version');
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_version_journal_insert AFTER INSERT ON being_versions
    REFERENCING NEW TABLE AS journal_new FOR EACH STATEMENT EXECUTE FUNCTION luxos_journal_version_insert();
CREATE TRIGGER trg_version_journal_delete AFTER DELETE ON being_versions
    REFERENCING OLD TABLE AS journal_old FOR EACH STATEMENT EXECUTE FUNCTION luxos_journal_version_delete();
CREATE TRIGGER trg_version_journal_update AFTER UPDATE ON being_versions
    FOR EACH ROW EXECUTE FUNCTION luxos_journal_version_update();

CREATE TABLE relationship_journal (
    seq BIGINT PRIMARY KEY DEFAULT nextval('being_journal_seq_seq'::regclass),
    id UUID NOT NULL,
    op CHAR(1) NOT NULL CHECK (op IN ('I', 'U', 'D')),
    -- The ends after the change (I, U) or before it (D).
    source_soul UUID NOT NULL,
    target_soul UUID NOT NULL,
    -- U that moved an end: the ends before (and `change` is the whole row).
    old_source_soul UUID,
    old_target_soul UUID,
    tx BIGINT NOT NULL DEFAULT txid_current(),
    at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    trace TEXT,
    -- I (and U that moved an end): the whole row as to_jsonb writes it, whatever columns the table has; U: the changed columns; D: null.
    change JSONB
);
CREATE INDEX idx_relationship_journal_source ON relationship_journal (source_soul, seq);
CREATE INDEX idx_relationship_journal_target ON relationship_journal (target_soul, seq);
CREATE INDEX idx_relationship_journal_old_source ON relationship_journal (old_source_soul, seq) WHERE old_source_soul IS NOT NULL;
CREATE INDEX idx_relationship_journal_old_target ON relationship_journal (old_target_soul, seq) WHERE old_target_soul IS NOT NULL;

CREATE FUNCTION luxos_journal_relationship_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('luxos.journal', true) = 'off' THEN RETURN NULL; END IF;
    INSERT INTO relationship_journal (id, op, source_soul, target_soul, trace, change)
    SELECT n.id, 'I', n.source_soul, n.target_soul, nullif(current_setting('luxos.traceparent', true), ''), to_jsonb(n)
    FROM journal_new n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION luxos_journal_relationship_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('luxos.journal', true) = 'off' THEN RETURN NULL; END IF;
    INSERT INTO relationship_journal (id, op, source_soul, target_soul, trace)
    SELECT o.id, 'D', o.source_soul, o.target_soul, nullif(current_setting('luxos.traceparent', true), '')
    FROM journal_old o;
    RETURN NULL;
END;
$$;

CREATE FUNCTION luxos_journal_relationship_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    before JSONB;
    after JSONB;
    changed JSONB;
BEGIN
    IF current_setting('luxos.journal', true) = 'off' THEN RETURN NULL; END IF;
    after := to_jsonb(NEW);
    IF NEW.source_soul IS DISTINCT FROM OLD.source_soul OR NEW.target_soul IS DISTINCT FROM OLD.target_soul OR NEW.id IS DISTINCT FROM OLD.id THEN
        -- NOTE: a changed id is journaled as the old row's deletion and the new row's insertion.
        IF NEW.id IS DISTINCT FROM OLD.id THEN
            INSERT INTO relationship_journal (id, op, source_soul, target_soul, trace)
            VALUES (OLD.id, 'D', OLD.source_soul, OLD.target_soul, nullif(current_setting('luxos.traceparent', true), ''));
            INSERT INTO relationship_journal (id, op, source_soul, target_soul, trace, change)
            VALUES (NEW.id, 'I', NEW.source_soul, NEW.target_soul, nullif(current_setting('luxos.traceparent', true), ''), after);
            RETURN NULL;
        END IF;
        INSERT INTO relationship_journal (id, op, source_soul, target_soul, old_source_soul, old_target_soul, trace, change)
        VALUES (NEW.id, 'U', NEW.source_soul, NEW.target_soul, OLD.source_soul, OLD.target_soul,
                nullif(current_setting('luxos.traceparent', true), ''), after);
        RETURN NULL;
    END IF;
    before := to_jsonb(OLD);
    SELECT jsonb_object_agg(a.key, a.value) INTO changed FROM jsonb_each(after) a WHERE a.value IS DISTINCT FROM before -> a.key;
    IF changed IS NULL THEN RETURN NULL; END IF;
    INSERT INTO relationship_journal (id, op, source_soul, target_soul, trace, change)
    VALUES (NEW.id, 'U', NEW.source_soul, NEW.target_soul, nullif(current_setting('luxos.traceparent', true), ''), changed);
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_relationship_journal_insert AFTER INSERT ON relationships
    REFERENCING NEW TABLE AS journal_new FOR EACH STATEMENT EXECUTE FUNCTION luxos_journal_relationship_insert();
CREATE TRIGGER trg_relationship_journal_delete AFTER DELETE ON relationships
    REFERENCING OLD TABLE AS journal_old FOR EACH STATEMENT EXECUTE FUNCTION luxos_journal_relationship_delete();
CREATE TRIGGER trg_relationship_journal_update AFTER UPDATE ON relationships
    FOR EACH ROW EXECUTE FUNCTION luxos_journal_relationship_update();

-- What exists now is where both new journals begin: one insertion each, so replay from here on is whole.
INSERT INTO being_journal (soul, op, branches, change, layer)
SELECT n.soul, 'I', n.branches, luxos_version_image(n), 'version' FROM being_versions n ORDER BY n.version_id;
INSERT INTO relationship_journal (id, op, source_soul, target_soul, change)
SELECT n.id, 'I', n.source_soul, n.target_soul, to_jsonb(n) FROM relationships n ORDER BY n.created_at, n.id;

-- A being's snapshot now holds its base rows, its versions and the relationships touching it (lib/timeline/replayBeing.ts).
UPDATE timeline_snapshots SET state = jsonb_build_object('rows', state, 'versions', '{}'::jsonb, 'relationships', '{}'::jsonb) WHERE kind = 'being';

-- An entry brought in by timeline.import keeps the id of the CloudEvent it came as: importing the same file twice adds nothing,
-- and exporting it again gives the same id.
ALTER TABLE being_journal ADD COLUMN origin UUID;
ALTER TABLE relationship_journal ADD COLUMN origin UUID;
CREATE UNIQUE INDEX idx_being_journal_origin ON being_journal (origin) WHERE origin IS NOT NULL;
CREATE UNIQUE INDEX idx_relationship_journal_origin ON relationship_journal (origin) WHERE origin IS NOT NULL;

-- The janitor counts relationship entries towards both ends' next snapshot.
ALTER TABLE timeline_watermarks DROP CONSTRAINT timeline_watermarks_journal_check;
ALTER TABLE timeline_watermarks ADD CONSTRAINT timeline_watermarks_journal_check CHECK (journal IN ('being', 'room', 'relationship'));
