-- The service's own tables, beside the library's schema (never in it).

-- One row per Idempotency-Key: the request it was first used with (a fingerprint of method,
-- path and body) and, once answered, the answer, so that a repeat gets the same status and body,
-- from any instance and after a restart.
CREATE TABLE idempotency_key (
    key           text        PRIMARY KEY,
    fingerprint   text        NOT NULL,
    method        text        NOT NULL,
    path          text        NOT NULL,
    -- IN_PROGRESS: claimed by a request still running (or by one that died: see locked_at);
    -- DONE: answered, the answer below.
    state         text        NOT NULL CHECK (state IN ('IN_PROGRESS', 'DONE')),
    status        integer,
    content_type  text,
    location      text,
    body          bytea,
    created_at    timestamptz NOT NULL,
    -- When the running request claimed the key; a claim older than the lease is taken over by a
    -- repeat (the calls behind the keys are idempotent, so running one again is safe).
    locked_at     timestamptz NOT NULL,
    CHECK (state = 'IN_PROGRESS' OR status IS NOT NULL)
);

-- For the clean-up of answers past their retention.
CREATE INDEX idempotency_key_by_created_at ON idempotency_key (created_at);

-- The buyer of each order (POST /orders). The stock, the lines and the status are the library's
-- reservation with the same id; this row is written after the sale, idempotently.
CREATE TABLE orders (
    id          text        PRIMARY KEY,
    buyer_id    text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
