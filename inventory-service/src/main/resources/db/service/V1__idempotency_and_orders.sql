-- The service's own tables, beside the library's schema (never in it).

-- One row per Idempotency-Key: the request it was first answered for (a fingerprint of method,
-- path and body) and that answer, so that a repeat gets the same status and body, from any
-- instance and after a restart. Written once the request has its answer (first writer wins), or
-- inside the transaction of a change that must not run twice (a receipt).
CREATE TABLE idempotency_key (
    key           text        PRIMARY KEY,
    fingerprint   text        NOT NULL,
    method        text        NOT NULL,
    path          text        NOT NULL,
    -- Null only inside the transaction that claimed the key for a receipt; set before it commits.
    status        integer,
    content_type  text,
    location      text,
    body          bytea       NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
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
