-- Shared rooms (issue 6): a room is a being tagged `room` in base_beings; its Yjs document
-- is the ordered log of updates below, merged into one snapshot row now and then (compaction).
CREATE TABLE room_updates (
    room_soul UUID NOT NULL REFERENCES base_beings (soul) ON DELETE CASCADE,
    seq BIGSERIAL NOT NULL,
    update BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (room_soul, seq)
);
