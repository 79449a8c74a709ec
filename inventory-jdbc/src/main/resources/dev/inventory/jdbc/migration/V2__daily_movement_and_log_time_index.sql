-- Daily movement report (MovementReports) and the time index it reads the log by.
-- Released migrations are never edited: add V3, ...

-- The log by time. BRIN, not B-tree: the log is append-only and `at` comes from the clock at
-- insert, so rows lie on disk in (nearly) time order. A BRIN index keeps only the min/max `at` of
-- each range of 128 pages: a few kilobytes for millions of rows, almost free to maintain on every
-- insert (the write path of every sale), and enough to read one day of the log without scanning
-- the rest. Out-of-order times, from clock skew between instances, only make a range's bounds
-- wider; results stay exact. A range is only summarized once full: autosummarize has autovacuum
-- do that as soon as the next range starts filling (until then a query reads the range whole).
CREATE INDEX inventory_log_by_time ON inventory_log USING brin (at) WITH (autosummarize = on);

-- One row per UTC day, key and kind of movement: what the log says happened, summed. Rebuilt per
-- day from the log by an idempotent upsert, so running a day again gives the same rows.
CREATE TABLE daily_movement (
    day            date   NOT NULL,
    sku            text   NOT NULL,
    location       text   NOT NULL,
    kind           text   NOT NULL,
    on_hand_delta  bigint NOT NULL,
    reserved_delta bigint NOT NULL,
    entries        bigint NOT NULL CHECK (entries > 0),
    PRIMARY KEY (day, sku, location, kind),
    CONSTRAINT daily_movement_kind CHECK (kind IN
        ('received', 'sold', 'reserved', 'released', 'expired', 'adjusted'))
);
