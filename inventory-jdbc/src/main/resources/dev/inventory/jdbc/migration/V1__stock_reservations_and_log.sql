-- The library's tables. Flyway runs this in the library's own schema (search_path is set to it),
-- so names are unqualified here. Released migrations are never edited: add V2, V3, ...

CREATE TABLE stock_level (
    sku        text        NOT NULL,
    location   text        NOT NULL,
    on_hand    bigint      NOT NULL,
    reserved   bigint      NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (sku, location),
    -- The database itself refuses an oversell, even if the code above it were wrong.
    CONSTRAINT stock_level_never_oversold CHECK (reserved >= 0 AND on_hand >= reserved)
);
-- Room on each page for the new row versions of constant updates (HOT updates, no index churn).
ALTER TABLE stock_level SET (fillfactor = 70);

CREATE TABLE reservation (
    id           text        PRIMARY KEY,
    status       text        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    -- Fingerprint of the original request's merged lines: a replay with the same id is told
    -- from a different cart without reading the lines.
    request_hash text        NOT NULL,
    CONSTRAINT reservation_status CHECK (status IN ('HELD', 'CONFIRMED', 'RELEASED', 'EXPIRED'))
);
-- The sweeper and the lazy expiry look only at holds; finished reservations stay out of the index.
CREATE INDEX reservation_held_by_expiry ON reservation (expires_at) WHERE status = 'HELD';

-- No foreign key to reservation, on purpose: lines are only ever written in the statement or
-- transaction that writes their reservation, and a foreign key's check runs a plan that each
-- session caches on first use. Cached while the table is small, that plan is a sequential scan, and
-- a flash sale's batches (one check per line) then slow down as the table grows (measured: a hot
-- SKU's combined reserves fell from 20,000/s to under 1,000/s within 15 seconds).
CREATE TABLE reservation_line (
    reservation_id text   NOT NULL,
    sku            text   NOT NULL,
    location       text   NOT NULL,
    quantity       bigint NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (reservation_id, sku, location)
);
CREATE INDEX reservation_line_by_key ON reservation_line (sku, location);

CREATE TABLE inventory_log (
    id             bigserial   PRIMARY KEY,
    at             timestamptz NOT NULL,
    sku            text        NOT NULL,
    location       text        NOT NULL,
    kind           text        NOT NULL,
    on_hand_delta  bigint      NOT NULL,
    reserved_delta bigint      NOT NULL,
    on_hand_after  bigint      NOT NULL,
    reserved_after bigint      NOT NULL,
    reservation_id text,
    reason         text,
    CONSTRAINT inventory_log_kind CHECK (kind IN
        ('RECEIVE', 'ADJUST', 'SET', 'RESERVE', 'AMEND', 'CONFIRM', 'RELEASE', 'EXPIRE'))
);
-- A key's history, in log order: audit, replay and the history query.
CREATE INDEX inventory_log_by_key ON inventory_log (sku, location, id);

-- Append-only, enforced by the database: the log is the audit trail, so not even the library's
-- own code can rewrite it.
CREATE FUNCTION inventory_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'inventory_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER inventory_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON inventory_log
    FOR EACH ROW EXECUTE FUNCTION inventory_log_is_append_only();

CREATE TRIGGER inventory_log_no_truncate
    BEFORE TRUNCATE ON inventory_log
    FOR EACH STATEMENT EXECUTE FUNCTION inventory_log_is_append_only();
