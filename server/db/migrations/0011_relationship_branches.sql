-- Relationships in branches of reality (issue 8, item 2), the way beings already are (0007).
--
-- A relationship created in a branch is a row tagged with that branch alone, as before. When a
-- branch changes or deletes a relationship it did not create, the change is a copy-on-write
-- version of that one relationship, kept as another row of `relationships` (the two-table world
-- stays two tables, and whatever watches the table sees versions too): `version_of` names the
-- relationship it shadows (its id as every reader knows it), `deleted` marks a tombstone, and
-- `base_row_version` remembers the row version it was copied from, the merge base. main's rows
-- and rows created in a branch have no version_of; main reads rows tagged main, so it never sees
-- a version.

-- Every change of a relationship's row takes a new number from the sequence beings use, so a merge
-- can tell whether the parent changed a relationship since the branch copied it.
ALTER TABLE relationships ADD COLUMN row_version BIGINT NOT NULL DEFAULT nextval('luxos_row_version');
-- NOTE: no foreign key: when main deletes a relationship a branch changed, the branch's version
-- must survive so that the merge can report the conflict.
ALTER TABLE relationships ADD COLUMN version_of UUID;
ALTER TABLE relationships ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE relationships ADD COLUMN base_row_version BIGINT;

-- A version belongs to exactly one branch and knows its merge base; only a version can be a tombstone.
ALTER TABLE relationships ADD CONSTRAINT relationships_version_shape CHECK (
    (version_of IS NULL) = (base_row_version IS NULL)
    AND (version_of IS NULL OR cardinality(branches) = 1)
    AND (version_of IS NOT NULL OR NOT deleted)
);

-- One version per (relationship, branch); the index also finds the versions that shadow a row.
CREATE UNIQUE INDEX idx_relationships_version ON relationships (version_of, branches) WHERE version_of IS NOT NULL;

-- NOTE: BEFORE UPDATE, like base_beings: every writer (knowledge's upserts, merges) bumps it without knowing about branches.
CREATE TRIGGER trg_relationships_row_version
    BEFORE UPDATE ON relationships
    FOR EACH ROW EXECUTE FUNCTION luxos_bump_row_version();
