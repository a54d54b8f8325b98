-- Knowledge and event ingest (issue 5).

-- The master's append-only event log: every envelope a being, room or the master sent, in one
-- global order. `seq` is that order; `id` (the envelope's own UUID) makes a replay a no-op.
-- The columns beside `envelope` are copies of its fields that the timeline filters on.
CREATE TABLE events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id UUID NOT NULL UNIQUE,
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    subject TEXT,
    -- The room the event happened in (its source or the room a message went to), when any.
    room TEXT,
    branch TEXT NOT NULL,
    time TIMESTAMPTZ NOT NULL,
    traceid TEXT NOT NULL,
    envelope JSONB NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- NOTE: each index costs every insert; these are the timeline's filters, each ending in seq so a
-- filtered page is one index range in log order. No index on envelope or data: search goes
-- through the columns above, and the payload is read only for the rows of a page.
CREATE INDEX idx_events_source ON events (source, seq);
CREATE INDEX idx_events_type ON events (type, seq);
CREATE INDEX idx_events_time ON events (time);
CREATE INDEX idx_events_trace ON events (traceid);
CREATE INDEX idx_events_room ON events (room, seq) WHERE room IS NOT NULL;
CREATE INDEX idx_events_subject ON events (subject, seq) WHERE subject IS NOT NULL;
CREATE INDEX idx_events_branch ON events (branch, seq) WHERE branch <> 'main';

-- A fact is a being tagged `fact` in base_beings (its text, confidence and sources are in its
-- attributes for everyone to read); this table is the master's index of them: what the pull
-- feed orders by, and the counters that merging keeps.
CREATE TABLE knowledge_facts (
    soul UUID PRIMARY KEY REFERENCES base_beings (soul) ON DELETE CASCADE,
    branch TEXT NOT NULL,
    -- Bumped from the sequence below on every change, so knowledge.pull's cursor only moves forward.
    change_seq BIGINT NOT NULL,
    sources UUID[] NOT NULL,
    corroboration INTEGER NOT NULL,
    confidence REAL NOT NULL,
    first_learned TIMESTAMPTZ NOT NULL,
    last_learned TIMESTAMPTZ NOT NULL
);
CREATE SEQUENCE knowledge_change_seq;
CREATE UNIQUE INDEX idx_knowledge_facts_change ON knowledge_facts (branch, change_seq);

-- What became of each pushed fact id: a replay answers the same acknowledgement.
-- status `skipped`: a knowledge.learned event whose source is no being here (reason says why).
CREATE TABLE knowledge_receipts (
    id UUID PRIMARY KEY,
    fact UUID,
    status TEXT NOT NULL CHECK (status IN ('created', 'merged', 'skipped')),
    corroboration INTEGER NOT NULL,
    reason TEXT,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_knowledge_receipts_fact ON knowledge_receipts (fact);
