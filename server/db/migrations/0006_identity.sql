-- People, passkeys, sessions and room roles (issue 10). A person is a being tagged `person`
-- in base_beings; these tables hold what only the server may know about them.
CREATE TABLE people (
    soul UUID PRIMARY KEY REFERENCES base_beings (soul) ON DELETE CASCADE,
    -- The WebAuthn user handle: random, never the soul, so a passkey does not reveal it.
    user_handle TEXT NOT NULL UNIQUE,
    -- The server's owner (the first person): may do anything, as in LUXOS_AUTH=local.
    server_owner BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- At most one server owner.
CREATE UNIQUE INDEX idx_people_one_owner ON people (server_owner) WHERE server_owner;

CREATE TABLE passkeys (
    -- The credential id, base64url.
    id TEXT PRIMARY KEY,
    person_soul UUID NOT NULL REFERENCES people (soul) ON DELETE CASCADE,
    public_key BYTEA NOT NULL,
    counter BIGINT NOT NULL DEFAULT 0,
    transports TEXT[] NOT NULL DEFAULT '{}',
    label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX idx_passkeys_person ON passkeys (person_soul);

-- Only the SHA-256 of a session token is stored: a leaked table opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person_soul UUID NOT NULL REFERENCES people (soul) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_sessions_person ON sessions (person_soul);
CREATE INDEX idx_sessions_expires ON sessions (expires_at);

CREATE TABLE room_members (
    room_soul UUID NOT NULL REFERENCES base_beings (soul) ON DELETE CASCADE,
    person_soul UUID NOT NULL REFERENCES people (soul) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
    added_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (room_soul, person_soul)
);
CREATE INDEX idx_room_members_person ON room_members (person_soul);

-- Invites waiting to be accepted; the token itself is the signed invite (server/rooms/inviteToken.ts), stored hashed.
CREATE TABLE room_invites (
    token_hash TEXT PRIMARY KEY,
    room_soul UUID NOT NULL REFERENCES base_beings (soul) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'editor')),
    created_by UUID REFERENCES people (soul) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    accepted_by UUID REFERENCES people (soul) ON DELETE SET NULL,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX idx_room_invites_room ON room_invites (room_soul, created_at DESC);

-- Whom a being belongs to: a person, a room, or (no row) the server's owner.
CREATE TABLE being_holders (
    soul UUID PRIMARY KEY REFERENCES base_beings (soul) ON DELETE CASCADE,
    person_soul UUID REFERENCES people (soul) ON DELETE SET NULL,
    room_soul UUID REFERENCES base_beings (soul) ON DELETE SET NULL
);
CREATE INDEX idx_being_holders_person ON being_holders (person_soul);
CREATE INDEX idx_being_holders_room ON being_holders (room_soul);
