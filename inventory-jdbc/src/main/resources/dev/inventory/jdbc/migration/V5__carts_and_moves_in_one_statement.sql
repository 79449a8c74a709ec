-- A cart in one round trip, and moves of held reservations (one or many, one line or several) in
-- one statement, with each stock row changed once per statement.
--
-- Why functions: a cart and a batch of moves must touch their stock rows in key order, as every
-- other writer does, or two of them can deadlock; one UPDATE over several rows locks them in
-- whatever order its plan reads them. A function's loop locks them one by one in the order given,
-- in one round trip. Before V5 a cart took four statements in three round trips inside an open
-- transaction, and the stock rows stayed locked across the network; a confirm of a cart took three.
--
-- Why the functions turn off sequential scans, hash and merge joins: PL/pgSQL keeps a generic plan
-- of each statement per connection, made from the tables as they were when it was first planned.
-- Planned on a new, small schema, a lookup of lines by reservation id became a hash join over a
-- sequential scan of reservation_line, and stayed one as the table grew: 21 ms per call at 200,000
-- lines instead of a tenth of a millisecond. Every statement here looks rows up by key, where an
-- index scan in a nested loop is right at any size. And the plans are generic from the first call:
-- left to choose, PostgreSQL planned a lookup by a list of ids anew on every call (a custom plan
-- for one id looks cheaper than the generic one), which cost more than running it. (These settings
-- hold inside the functions only.)

-- Reserves (p_held 1, p_sold 0, kind RESERVE) or purchases (p_held 0, p_sold 1, kind CONFIRM) every
-- line of a cart, or none. p_skus, p_locations and p_quantities are the cart's lines, merged per key
-- and in key order.
--
-- Answers no row when the cart was placed. When it was not, one row per line: what its key had
-- free (on-hand, unreserved, and how much of the reserved is held by holds past their expiry, which
-- count as available) and whether the id is taken, so that the caller can decide without another
-- round trip. The common refusal (a line short in the statement's snapshot, or the id taken) writes
-- and locks nothing. A line that turns out short under its row lock (its stock was taken between
-- the check and the lock) raises SQLSTATE IV001, which undoes the whole statement: the caller reads
-- what is free and decides again. A duplicate id that slips past the check raises the primary key's
-- unique violation, as a one-line reserve does.
CREATE FUNCTION inventory_place_cart(
    p_id          text,
    p_status      text,
    p_kind        text,
    p_held        bigint,
    p_sold        bigint,
    p_now         timestamptz,
    p_expires_at  timestamptz,
    p_hash        text,
    p_skus        text[],
    p_locations   text[],
    p_quantities  bigint[])
RETURNS TABLE (short_sku text, short_location text, short_on_hand bigint,
               short_available bigint, short_due bigint, id_taken boolean)
LANGUAGE plpgsql
-- The library's schema as Flyway set it for this migration, whatever the caller's search_path.
SET search_path FROM CURRENT
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    line_on_hand   bigint[] := '{}';
    line_reserved  bigint[] := '{}';
    v_on_hand      bigint;
    v_reserved     bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM reservation r WHERE r.id = p_id)
       OR EXISTS (
           SELECT 1
             FROM unnest(p_skus, p_locations, p_quantities) AS l(sku, location, quantity)
             LEFT JOIN stock_level s ON s.sku = l.sku AND s.location = l.location
            WHERE coalesce(s.on_hand - s.reserved, 0) < l.quantity) THEN
        -- Due units per key start from the due holds (the partial index on held expiries),
        -- fenced with MATERIALIZED: left to itself, the planner may start from the key and read
        -- every line ever sold on it.
        RETURN QUERY
            WITH keys AS (
                SELECT * FROM unnest(p_skus, p_locations) WITH ORDINALITY AS k(sku, location, ord)
            ), due_ids AS MATERIALIZED (
                SELECT r.id FROM reservation r WHERE r.status = 'HELD' AND r.expires_at <= p_now
            ), due AS (
                SELECT l.sku, l.location, sum(l.quantity)::bigint AS quantity
                  FROM due_ids d
                  JOIN reservation_line l ON l.reservation_id = d.id
                  JOIN keys k ON k.sku = l.sku AND k.location = l.location
                 GROUP BY l.sku, l.location
            )
            SELECT k.sku, k.location,
                   coalesce(s.on_hand, 0),
                   coalesce(s.on_hand - s.reserved, 0),
                   coalesce(due.quantity, 0),
                   EXISTS (SELECT 1 FROM reservation r WHERE r.id = p_id)
              FROM keys k
              LEFT JOIN stock_level s ON s.sku = k.sku AND s.location = k.location
              LEFT JOIN due ON due.sku = k.sku AND due.location = k.location
             ORDER BY k.ord;
        RETURN;
    END IF;

    -- The reservation first: a duplicate id fails here, before any stock row is locked.
    INSERT INTO reservation (id, status, created_at, expires_at, updated_at, request_hash)
    VALUES (p_id, p_status, p_now, p_expires_at, p_now, p_hash);
    INSERT INTO reservation_line (reservation_id, sku, location, quantity)
    SELECT p_id, l.sku, l.location, l.quantity
      FROM unnest(p_skus, p_locations, p_quantities) AS l(sku, location, quantity);

    FOR k IN 1 .. cardinality(p_skus) LOOP
        UPDATE stock_level s
           SET on_hand = s.on_hand - p_sold * p_quantities[k],
               reserved = s.reserved + p_held * p_quantities[k],
               updated_at = p_now
         WHERE s.sku = p_skus[k] AND s.location = p_locations[k]
           -- The whole safety argument: the row lock and the check are one step.
           AND s.on_hand - s.reserved >= p_quantities[k]
        RETURNING s.on_hand, s.reserved INTO v_on_hand, v_reserved;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'cart % is short on %@% under its row lock', p_id, p_skus[k],
                p_locations[k]
                USING ERRCODE = 'IV001';
        END IF;
        line_on_hand[k] := v_on_hand;
        line_reserved[k] := v_reserved;
    END LOOP;

    INSERT INTO inventory_log
           (at, sku, location, kind, on_hand_delta, reserved_delta,
            on_hand_after, reserved_after, reservation_id)
    SELECT p_now, l.sku, l.location, p_kind, -p_sold * l.quantity, p_held * l.quantity,
           line_on_hand[l.ord], line_reserved[l.ord], p_id
      FROM unnest(p_skus, p_locations, p_quantities) WITH ORDINALITY AS l(sku, location, quantity, ord)
     ORDER BY l.ord;
    RETURN;
END;
$$;

-- Gives back the units of reservations this transaction has just moved out of HELD (confirmed:
-- p_sold 1, off on-hand and reserved; released or expired: p_sold 0, off reserved), each with its
-- log kind. Each stock row is changed once, by the total of its lines, in key order; then one log
-- row per line, per key in reservation id order, each with the level as it stood after it (the
-- audit's chain check reads them so). The lines are read by a statement of their own, after the
-- moves took their reservations' row locks: no amend can change them any more. Returns the lines.
CREATE FUNCTION inventory_give_back(
    p_ids   text[],
    p_kinds text[],
    p_sold  bigint[],
    p_now   timestamptz)
RETURNS TABLE (line_reservation_id text, line_sku text, line_location text, line_quantity bigint)
LANGUAGE plpgsql
SET search_path FROM CURRENT
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    key_skus       text[];
    key_locations  text[];
    key_totals     bigint[];
    key_sold       bigint[];
    key_on_hand    bigint[] := '{}';
    key_reserved   bigint[] := '{}';
    v_on_hand      bigint;
    v_reserved     bigint;
BEGIN
    SELECT array_agg(t.sku ORDER BY t.sku COLLATE "C", t.location COLLATE "C"),
           array_agg(t.location ORDER BY t.sku COLLATE "C", t.location COLLATE "C"),
           array_agg(t.total ORDER BY t.sku COLLATE "C", t.location COLLATE "C"),
           array_agg(t.sold ORDER BY t.sku COLLATE "C", t.location COLLATE "C")
      INTO key_skus, key_locations, key_totals, key_sold
      FROM (SELECT l.sku, l.location, sum(l.quantity)::bigint AS total,
                   sum(p_sold[array_position(p_ids, l.reservation_id)] * l.quantity)::bigint AS sold
              FROM reservation_line l
             WHERE l.reservation_id = ANY (p_ids)
             GROUP BY l.sku, l.location) t;
    IF key_skus IS NULL THEN
        RETURN;
    END IF;

    FOR k IN 1 .. cardinality(key_skus) LOOP
        UPDATE stock_level s
           SET on_hand = s.on_hand - key_sold[k],
               reserved = s.reserved - key_totals[k],
               updated_at = p_now
         WHERE s.sku = key_skus[k] AND s.location = key_locations[k]
        RETURNING s.on_hand, s.reserved INTO v_on_hand, v_reserved;
        IF NOT FOUND THEN
            -- Held units always have their row: impossible while the CHECK constraint holds.
            RAISE EXCEPTION 'stock row %@% missing while giving back held units',
                key_skus[k], key_locations[k];
        END IF;
        key_on_hand[k] := v_on_hand;
        key_reserved[k] := v_reserved;
    END LOOP;

    RETURN QUERY
    -- MATERIALIZED: the lines are found by their reservation ids first. Left to itself, the planner
    -- drove the join from the keys and read every line of the key through its index by key: every
    -- hold ever placed on a hot SKU (200,000 of them, 60 ms) to find the batch's few.
    WITH lines AS MATERIALIZED (
        SELECT l.reservation_id AS id,
               p_kinds[array_position(p_ids, l.reservation_id)] AS kind,
               p_sold[array_position(p_ids, l.reservation_id)] AS sold,
               l.sku, l.location, l.quantity
          FROM reservation_line l
         WHERE l.reservation_id = ANY (p_ids)
    ), keyed AS (
        -- Each line with the index of its key in key_*.
        SELECT x.*, k.k
          FROM lines x
          JOIN unnest(key_skus, key_locations) WITH ORDINALITY AS k(sku, location, k)
            ON k.sku = x.sku AND k.location = x.location
    ), logged AS (
        INSERT INTO inventory_log
               (at, sku, location, kind, on_hand_delta, reserved_delta,
                on_hand_after, reserved_after, reservation_id)
        SELECT p_now, y.sku, y.location, y.kind, -y.sold * y.quantity, -y.quantity,
               key_on_hand[y.k] + coalesce(sum(y.sold * y.quantity) OVER later, 0),
               key_reserved[y.k] + coalesce(sum(y.quantity) OVER later, 0),
               y.id
          FROM keyed y
        WINDOW later AS (PARTITION BY y.k ORDER BY y.id COLLATE "C"
                         ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
         ORDER BY y.k, y.id COLLATE "C"
    )
    SELECT y.id, y.sku, y.location, y.quantity
      FROM keyed y;
END;
$$;

-- Moves held reservations that are not due (p_targets CONFIRMED, RELEASED) and gives their units
-- back (p_kinds CONFIRM or RELEASE, p_sold 1 for a confirm), in one statement: one reservation or a
-- combined batch of them, of one line or several. Only a reservation still held and not due moves:
-- of confirm, release and expiry exactly one wins, the others wait for its row lock and then find
-- it moved. Answers one row per line of each reservation moved; a reservation not moved (unknown,
-- moved before, or due) has no row, and the caller finds out why. The ids must be distinct.
CREATE FUNCTION inventory_move(
    p_ids     text[],
    p_targets text[],
    p_kinds   text[],
    p_sold    bigint[],
    p_now     timestamptz)
RETURNS TABLE (moved_id text, moved_created_at timestamptz, moved_expires_at timestamptz,
               moved_sku text, moved_location text, moved_quantity bigint)
LANGUAGE plpgsql
SET search_path FROM CURRENT
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    -- 'HELD' as a variable, not a literal, on purpose: a generic plan cannot then prove that the
    -- partial index of held reservations (by expiry) applies, and looks the ids up by primary key.
    -- With the literal, a plan made while few holds existed read that index whole, every hold of a
    -- flash sale, on every call.
    v_held     CONSTANT text := 'HELD';
    v_ids      text[];
    v_kinds    text[];
    v_sold     bigint[];
    v_created  timestamptz[];
    v_expires  timestamptz[];
BEGIN
    WITH moved AS (
        UPDATE reservation r
           SET status = p_targets[array_position(p_ids, r.id)], updated_at = p_now
         WHERE r.id = ANY (p_ids) AND r.status = v_held AND r.expires_at > p_now
        RETURNING r.id, p_kinds[array_position(p_ids, r.id)] AS kind,
                  p_sold[array_position(p_ids, r.id)] AS sold, r.created_at, r.expires_at
    )
    SELECT array_agg(m.id), array_agg(m.kind), array_agg(m.sold),
           array_agg(m.created_at), array_agg(m.expires_at)
      INTO v_ids, v_kinds, v_sold, v_created, v_expires
      FROM moved m;
    IF v_ids IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT b.line_reservation_id, m.created_at, m.expires_at,
           b.line_sku, b.line_location, b.line_quantity
      FROM inventory_give_back(v_ids, v_kinds, v_sold, p_now) b
      JOIN unnest(v_ids, v_created, v_expires) AS m(id, created_at, expires_at)
        ON m.id = b.line_reservation_id;
END;
$$;
