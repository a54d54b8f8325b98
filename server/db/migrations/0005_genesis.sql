-- Every version of a being's source (issue 7, seed 001): stored whole every SNAPSHOT_EVERY versions
-- (lib/genesis/constants.ts) and as an exact line diff otherwise, so any version can be rebuilt.
-- base_beings.genesis keeps the newest source and a summary of recent versions; this is the history.
CREATE TABLE genesis_versions (
    soul UUID NOT NULL REFERENCES base_beings (soul) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    stored TEXT NOT NULL CHECK (stored IN ('snapshot', 'diff')),
    body JSONB NOT NULL,
    added INTEGER NOT NULL CHECK (added >= 0),
    removed INTEGER NOT NULL CHECK (removed >= 0),
    message TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC'),
    PRIMARY KEY (soul, version),
    -- The first version is whole: a history always starts from a snapshot.
    CHECK (version > 1 OR stored = 'snapshot')
);

-- Children of a being by mutation (lineage walks).
CREATE INDEX idx_relationships_mutated_from ON relationships (target_soul) WHERE tags @> ARRAY['mutated-from']::text[];

-- Versions are history: never rewritten. (A being's deletion removes them with it.)
CREATE FUNCTION luxos_guard_genesis_versions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'version % of being % is history and never changes', OLD.version, OLD.soul
        USING ERRCODE = 'LX002',
              HINT = 'Save a new version with genesis.evolve instead.';
END;
$$;

CREATE TRIGGER trg_genesis_versions_immutable
    BEFORE UPDATE ON genesis_versions
    FOR EACH ROW EXECUTE FUNCTION luxos_guard_genesis_versions();
