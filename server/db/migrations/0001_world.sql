-- The two-table world of seed 001, verbatim, plus the columns LuxOS needs
-- (branches for branches of reality, embedding for vector search, updated_at).
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE base_beings (
    soul UUID PRIMARY KEY,
    tags TEXT[] DEFAULT '{}',
    energy_level INTEGER DEFAULT 0,
    genesis JSONB NOT NULL,
    attributes JSONB NOT NULL,
    memories JSONB NOT NULL,
    self_awareness JSONB NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    branches TEXT[] NOT NULL DEFAULT '{main}',
    embedding vector(384),
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_base_beings_genesis ON base_beings USING gin (genesis);
CREATE INDEX idx_base_beings_attributes ON base_beings USING gin (attributes);
CREATE INDEX idx_base_beings_memories ON base_beings USING gin (memories);
CREATE INDEX idx_base_beings_self_awareness ON base_beings USING gin (self_awareness);
CREATE INDEX idx_base_beings_energy_level ON base_beings (energy_level);
CREATE INDEX idx_being_tags ON base_beings USING gin (tags);
CREATE INDEX idx_base_beings_branches ON base_beings USING gin (branches);
CREATE INDEX idx_base_beings_embedding ON base_beings USING hnsw (embedding vector_cosine_ops);
-- Keyset pagination, newest first.
CREATE INDEX idx_base_beings_created ON base_beings (created_at DESC, soul DESC);

CREATE TABLE relationships (
    id UUID PRIMARY KEY,
    tags TEXT[] DEFAULT '{}',
    energy_level INTEGER DEFAULT 0,
    source_soul UUID NOT NULL,
    target_soul UUID NOT NULL,
    genesis JSONB NOT NULL,
    attributes JSONB NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    branches TEXT[] NOT NULL DEFAULT '{main}',
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (source_soul) REFERENCES base_beings (soul),
    FOREIGN KEY (target_soul) REFERENCES base_beings (soul)
);

CREATE INDEX idx_relationships_genesis ON relationships USING gin (genesis);
CREATE INDEX idx_relationships_attributes ON relationships USING gin (attributes);
CREATE INDEX idx_relationships_source ON relationships (source_soul);
CREATE INDEX idx_relationships_target ON relationships (target_soul);
CREATE INDEX idx_relationships_energy_level ON relationships (energy_level);
CREATE INDEX idx_rel_tags ON relationships USING gin (tags);
CREATE INDEX idx_relationships_branches ON relationships USING gin (branches);
CREATE INDEX idx_relationships_created ON relationships (created_at DESC, id DESC);
