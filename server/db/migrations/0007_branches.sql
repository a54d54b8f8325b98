-- Branches of reality and Tiki (issue 8, seed 003).
--
-- A branch is a being tagged `branch` (a row of base_beings in main); its soul is the branch id
-- that rows carry in their `branches` arrays. Forking writes that one row and copies nothing.
--
-- base_beings keeps one row per soul (its primary key, and every foreign key that points at it,
-- stay as they are): main's rows are tagged {main}, a being created in a branch is a row tagged
-- with that branch alone. When a branch changes or deletes a being it did not create, the change
-- is a copy-on-write version of that one being in being_versions, tagged with the branch; the
-- row it came from is never touched. Reads in a branch resolve, per soul, the version of the
-- nearest branch in its visible set (itself, then its ancestors or subscriptions).

-- Every change of a being's row takes a new number, so a merge can tell whether main changed a
-- being since the branch copied it (the version records the number it was copied from).
CREATE SEQUENCE luxos_row_version;
ALTER TABLE base_beings ADD COLUMN row_version BIGINT NOT NULL DEFAULT nextval('luxos_row_version');

CREATE FUNCTION luxos_bump_row_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.row_version := nextval('luxos_row_version');
    RETURN NEW;
END;
$$;

-- NOTE: BEFORE UPDATE, so every writer of base_beings (beings, knowledge, genesis, rooms) bumps it
-- without knowing about branches. Triggers fire by name: the core guard (trg_base_beings_core_guard)
-- runs first and refuses core beings before this one.
CREATE TRIGGER trg_base_beings_row_version
    BEFORE UPDATE ON base_beings
    FOR EACH ROW EXECUTE FUNCTION luxos_bump_row_version();

-- Copy-on-write versions of beings, one per (soul, branch). No foreign key on soul: when main
-- deletes a being a branch changed, the branch's version must survive so that the merge can
-- report the conflict (the store checks existence when it writes).
CREATE TABLE being_versions (
    version_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    soul UUID NOT NULL,
    tags TEXT[] DEFAULT '{}',
    energy_level INTEGER DEFAULT 0,
    genesis JSONB NOT NULL,
    attributes JSONB NOT NULL,
    memories JSONB NOT NULL,
    self_awareness JSONB NOT NULL,
    -- The soul's birth, copied from the row the version came from (pages order by it).
    created_at TIMESTAMP NOT NULL,
    -- Seed 003's single-element array: the branch that wrote this version.
    branches TEXT[] NOT NULL CHECK (cardinality(branches) = 1),
    embedding vector(384),
    updated_at TIMESTAMP NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC'),
    -- A tombstone: the branch deleted this being.
    deleted BOOLEAN NOT NULL DEFAULT false,
    row_version BIGINT NOT NULL DEFAULT nextval('luxos_row_version'),
    -- The row_version of the version this one was copied from: the merge base.
    base_row_version BIGINT NOT NULL,
    UNIQUE (soul, branches)
);
CREATE INDEX idx_being_versions_branches ON being_versions USING gin (branches);
-- A branch's filtered reads search its versions with the filters main's rows use.
CREATE INDEX idx_being_versions_tags ON being_versions USING gin (tags);
CREATE INDEX idx_being_versions_attributes ON being_versions USING gin (attributes);

-- The Tiki ledger: every spend at the master or reported by a being, per being, task and branch.
CREATE TABLE tiki_ledger (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    branch TEXT NOT NULL,
    -- No foreign keys: spend is history and outlives the beings and tasks it names.
    being UUID,
    task TEXT,
    -- What was paid for: reasoner | knowledge | fetch | lux | sandbox | master | report.
    kind TEXT NOT NULL,
    provider TEXT,
    tiki DOUBLE PRECISION NOT NULL CHECK (tiki >= 0),
    ok BOOLEAN NOT NULL DEFAULT true,
    -- Why (the router's choice and the candidates it weighed), counts, the step's name.
    detail JSONB NOT NULL DEFAULT '{}',
    -- A being's report id: replaying a report records it once.
    report_id UUID UNIQUE
);
CREATE INDEX idx_tiki_ledger_branch ON tiki_ledger (branch, at);
CREATE INDEX idx_tiki_ledger_task ON tiki_ledger (task) WHERE task IS NOT NULL;
CREATE INDEX idx_tiki_ledger_being ON tiki_ledger (being) WHERE being IS NOT NULL;

-- A task's (or a run's) budget; spend against it is the ledger's rows with the same task.
CREATE TABLE tiki_budgets (
    task TEXT PRIMARY KEY,
    branch TEXT NOT NULL,
    budget DOUBLE PRECISION NOT NULL CHECK (budget >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
