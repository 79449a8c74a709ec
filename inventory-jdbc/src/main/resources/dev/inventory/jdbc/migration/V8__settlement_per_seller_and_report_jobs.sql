-- Settlement per seller and day, and report jobs kept in the database.
-- Released migrations are never edited: add V9, ...

-- One row per UTC day and seller: the units of the day's movements of the seller's SKUs, summed
-- from daily_movement of the same day in the same transaction that rebuilds it, so both tables
-- always describe the same log. The seller is the catalog's (item.seller) when the day is
-- summarized. SKUs the catalog does not know go under the seller '' (the empty string), which no
-- item can have (item codes are never empty): a key, unlike NULL, so the day's rows stay unique.
CREATE TABLE daily_seller_movement (
    day      date   NOT NULL,
    seller   text   NOT NULL,
    -- Units, not deltas: each column counts units, except adjusted, which is the net change of
    -- on-hand by adjustments and counts (negative when stock was written off). No sign checks: a
    -- log the library wrote gives no negative count but adjusted, yet the report sums whatever the
    -- log holds (rows inserted by hand included) rather than refuse a day.
    sold     bigint NOT NULL,
    reserved bigint NOT NULL,
    released bigint NOT NULL,
    expired  bigint NOT NULL,
    received bigint NOT NULL,
    adjusted bigint NOT NULL,
    entries  bigint NOT NULL CHECK (entries > 0),
    PRIMARY KEY (day, seller)
);
-- A seller's days, for the per-seller reads and CSV.
CREATE INDEX daily_seller_movement_by_seller ON daily_seller_movement (seller, day);

-- The days summarized before this migration get their seller rows now, from daily_movement and the
-- catalog as they are (summarizing a day again recomputes them).
INSERT INTO daily_seller_movement
       (day, seller, sold, reserved, released, expired, received, adjusted, entries)
SELECT d.day, coalesce(i.seller, ''),
       coalesce(sum(-d.on_hand_delta) FILTER (WHERE d.kind = 'sold'), 0),
       coalesce(sum(d.reserved_delta) FILTER (WHERE d.kind = 'reserved'), 0),
       coalesce(sum(-d.reserved_delta) FILTER (WHERE d.kind = 'released'), 0),
       coalesce(sum(-d.reserved_delta) FILTER (WHERE d.kind = 'expired'), 0),
       coalesce(sum(d.on_hand_delta) FILTER (WHERE d.kind = 'received'), 0),
       coalesce(sum(d.on_hand_delta) FILTER (WHERE d.kind = 'adjusted'), 0),
       sum(d.entries)
  FROM daily_movement d
  LEFT JOIN item i ON i.sku = d.sku
 GROUP BY 1, 2;

-- One row per UTC day, seller and currency: the gross amount sold, from the day's CONFIRM entries
-- of the log and the unit prices their reservation lines carry (V7), rebuilt in the same
-- transaction as the day's other rows. Lines sold without a price are not in it (their units are
-- in daily_seller_movement.sold). No rows to fill here: lines carry prices only since V7.
CREATE TABLE daily_seller_gross (
    day          date   NOT NULL,
    seller       text   NOT NULL,
    currency     text   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- The units sold at a price in this currency, and what they came to, in minor units (as
    -- daily_seller_movement, no sign checks).
    units        bigint NOT NULL,
    amount_minor bigint NOT NULL,
    PRIMARY KEY (day, seller, currency)
);
CREATE INDEX daily_seller_gross_by_seller ON daily_seller_gross (seller, day);

-- A report job, so that any instance on this schema can read its status by id, ask it to cancel,
-- and take it over when the instance running it died. The instance that runs a job (its owner)
-- pushes lease_until forward while it runs (a heartbeat); a RUNNING job whose lease has run out
-- has lost its owner, and another instance may take it over by a conditional UPDATE on the lease.
CREATE TABLE report_job (
    id               uuid        PRIMARY KEY,
    first_day        date        NOT NULL,
    last_day         date        NOT NULL,
    workers          integer     NOT NULL CHECK (workers BETWEEN 1 AND 64),
    state            text        NOT NULL
        CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    cancel_requested boolean     NOT NULL,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    failure          text,
    owner            uuid        NOT NULL,
    lease_until      timestamptz NOT NULL,
    CHECK (last_day >= first_day),
    CHECK ((state = 'RUNNING') = (finished_at IS NULL))
);

-- The days a job has done: written in the transaction that summarizes the day, so a day counts as
-- done exactly when its rows are committed, and a job taken over does only the days not here.
-- Progress is read from here (no counter row for the workers to contend on).
CREATE TABLE report_job_day (
    job_id    uuid        NOT NULL REFERENCES report_job ON DELETE CASCADE,
    day       date        NOT NULL,
    rows_read bigint      NOT NULL CHECK (rows_read >= 0),
    done_at   timestamptz NOT NULL,
    PRIMARY KEY (job_id, day)
);
