-- Buyers, per-buyer limits and unit prices: a reservation may name the buyer it is for, and each
-- of its lines may carry a unit price (an amount in the currency's minor units, and the ISO 4217
-- code), stored with the line for settlement. An item's per_buyer_limit (V6) caps the units one
-- buyer holds and has bought of it, all locations together: held plus confirmed units of a buyer
-- on a SKU never exceed it, checked by the statement that takes the stock, under row locks.
--
-- The placement functions store buyers and prices and apply the limits; a function that gains
-- parameters is a new overload, so that a library of an earlier version running on this schema
-- keeps calling the one it knows (which names no buyer, and so is never limited).
--
-- Lock order: stock rows (in key order) before buyer_usage rows (in buyer, SKU order), in every
-- function here and in give_back, so that placements and releases never deadlock each other.

-- NULL: no buyer. Nullable without a default: added without rewriting the table.
ALTER TABLE reservation ADD COLUMN buyer text;

-- A buyer's reservations, newest first, paged by (created_at, id): the keyset of
-- findReservations. Ids in code-point order (COLLATE "C"), as Java's String.compareTo orders them.
-- Partial: reservations without a buyer (every one before V7) cost this index nothing.
CREATE INDEX reservation_by_buyer
    ON reservation (buyer, created_at DESC, id COLLATE "C" DESC)
 WHERE buyer IS NOT NULL;

-- What each buyer holds and has bought of each SKU that has a limit: the sum of the lines counted
-- for it (reservation_line.buyer_counted) of reservations held or confirmed. A row is changed only
-- by the statements that change those lines, under its row lock: a conditional upsert
-- (units + n <= the limit) when units are taken, a decrease when a release or an expiry gives them
-- back. Rows for SKUs without a limit are never written, so requests on them pay nothing here.
CREATE TABLE buyer_usage (
    buyer text   NOT NULL,
    sku   text   NOT NULL,
    units bigint NOT NULL,
    PRIMARY KEY (buyer, sku),
    -- The limit lives in item and may change, so it is not checked here; never below zero is.
    CONSTRAINT buyer_usage_not_negative CHECK (units >= 0)
);

ALTER TABLE reservation_line
    -- Whether this line's quantity is counted in buyer_usage for its reservation's buyer: set when
    -- it was placed (or grown by an amend) on a SKU with a limit. A release or an expiry gives back
    -- exactly the lines counted, whatever the limit has become since. (A constant default: added
    -- without rewriting the table.)
    ADD COLUMN buyer_counted    boolean NOT NULL DEFAULT false,
    ADD COLUMN unit_price_minor bigint,
    ADD COLUMN currency         text,
    -- A price is an amount and its currency, or nothing.
    ADD CONSTRAINT reservation_line_price_whole
        CHECK ((unit_price_minor IS NULL) = (currency IS NULL)),
    ADD CONSTRAINT reservation_line_price_amount
        CHECK (unit_price_minor BETWEEN 0 AND 1000000000000000),
    ADD CONSTRAINT reservation_line_price_currency
        CHECK (currency ~ '^[A-Z]{3}$');

-- Raises SQLSTATE IV002, undoing the statement that calls it: the library's one-line placement
-- calls it when the buyer's units, checked as committed, no longer fit the limit under the row's
-- lock (another request of the buyer took them meanwhile); the request is then tried again.
CREATE FUNCTION inventory_buyer_raced(p_buyer text, p_sku text)
RETURNS boolean
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
    RAISE EXCEPTION 'buyer % is past the limit on % under its row lock', p_buyer, p_sku
        USING ERRCODE = 'IV002';
END;
$$;

-- V6's batch over several keys (inventory_place_batch), each request with its buyer and its line's
-- unit price (NULL where there is none), applying per-buyer limits. Also used for a batch of one key
-- when a request names a buyer. Per key, all of its admitted requests or none:
--
-- 1. Limits first, from what is committed (no lock yet): in arrival order, a request of a buyer on a
--    SKU with a limit is admitted if the buyer's units on that SKU (stored, plus this batch's
--    requests of the buyer on it up to this one) leave room for it. A request left out is answered
--    with a row (left_out_id), and nothing is written for it: the caller places it alone.
-- 2. Each key's admitted total, in key order, with the conditional UPDATE as everywhere else. A key
--    short or deactivated (known-keys mode) is answered with a row: what it had free, what due
--    holds keep on it, whether the catalog knows it; nothing is written for its requests.
-- 3. The buyers' units of the granted requests, per buyer and SKU in that order, each a
--    conditional upsert under its row lock. If one no longer fits (another transaction took the
--    buyer's units between step 1 and its lock), SQLSTATE IV002 undoes the whole call, and the
--    caller places the requests one by one.
-- 4. Reservations, lines and log rows of the granted requests.
-- An id already taken fails the whole call, and nothing is written. Purchase: p_held 0, p_sold 1.
CREATE FUNCTION inventory_place_batch(
    p_status        text,
    p_kind          text,
    p_held          bigint,
    p_sold          bigint,
    p_now           timestamptz,
    p_key_skus      text[],
    p_key_locations text[],
    -- The requests, in arrival order; p_key_of is the index of each one's key in p_key_*.
    p_ids           text[],
    p_key_of        integer[],
    p_quantities    bigint[],
    p_hashes        text[],
    p_expires_micros bigint[],
    p_buyers        text[],
    p_unit_prices   bigint[],
    p_currencies    text[])
RETURNS TABLE (refused_sku text, refused_location text, refused_available bigint,
               refused_due bigint, refused_sku_known boolean, refused_location_known boolean,
               left_out_id text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    n              integer := cardinality(p_ids);
    -- Per request: its SKU's limit when it names a buyer and the item has one, else NULL.
    req_cap        bigint[];
    req_in         boolean[] := array_fill(true, ARRAY[cardinality(p_ids)]);
    key_totals     bigint[] := array_fill(0::bigint, ARRAY[cardinality(p_key_skus)]);
    key_on_hand    bigint[] := '{}';
    key_reserved   bigint[] := '{}';
    v_on_hand      bigint;
    v_reserved     bigint;
    v_row          record;
BEGIN
    -- The limits, only when a request names a buyer, in one statement: each such request's SKU's
    -- limit (a primary-key lookup) and whether it is admitted: the buyer's units as committed plus
    -- the batch's units of that buyer and SKU up to and including this request (arrival order) fit
    -- the limit. Once one request of a buyer does not fit, the buyer's later ones on the SKU are
    -- left out too, and placed alone, which answers each as it would be answered on its own.
    IF EXISTS (SELECT 1 FROM unnest(p_buyers) AS b(buyer) WHERE b.buyer IS NOT NULL) THEN
        SELECT array_agg(x.cap ORDER BY x.ord), array_agg(x.admitted ORDER BY x.ord)
          INTO req_cap, req_in
          FROM (SELECT r.ord, i.per_buyer_limit AS cap,
                       i.per_buyer_limit IS NULL
                       OR coalesce(u.units, 0)
                          + sum(r.quantity) OVER (PARTITION BY r.buyer, p_key_skus[r.k]
                                                ORDER BY r.ord)
                          <= i.per_buyer_limit AS admitted
                  FROM unnest(p_buyers, p_key_of, p_quantities) WITH ORDINALITY
                       AS r(buyer, k, quantity, ord)
                  LEFT JOIN item i ON r.buyer IS NOT NULL AND i.sku = p_key_skus[r.k]
                  LEFT JOIN buyer_usage u
                    ON i.per_buyer_limit IS NOT NULL AND u.buyer = r.buyer AND u.sku = i.sku) x;
    END IF;

    FOR i IN 1 .. n LOOP
        IF req_in[i] THEN
            key_totals[p_key_of[i]] := key_totals[p_key_of[i]] + p_quantities[i];
        ELSE
            refused_sku := NULL;
            refused_location := NULL;
            refused_available := NULL;
            refused_due := NULL;
            refused_sku_known := NULL;
            refused_location_known := NULL;
            left_out_id := p_ids[i];
            RETURN NEXT;
        END IF;
    END LOOP;

    FOR k IN 1 .. cardinality(p_key_skus) LOOP
        CONTINUE WHEN key_totals[k] = 0;
        UPDATE stock_level s
           SET on_hand = s.on_hand - p_sold * key_totals[k],
               reserved = s.reserved + p_held * key_totals[k],
               updated_at = p_now
         WHERE s.sku = p_key_skus[k] AND s.location = p_key_locations[k]
           -- The whole safety argument: the row lock and the check are one step.
           AND s.on_hand - s.reserved >= key_totals[k]
           AND s.item_active AND s.location_active
        RETURNING s.on_hand, s.reserved INTO v_on_hand, v_reserved;
        IF FOUND THEN
            key_on_hand[k] := v_on_hand;
            key_reserved[k] := v_reserved;
        ELSE
            refused_sku := p_key_skus[k];
            refused_location := p_key_locations[k];
            SELECT coalesce(max(s.on_hand - s.reserved), 0) INTO refused_available
              FROM stock_level s
             WHERE s.sku = p_key_skus[k] AND s.location = p_key_locations[k];
            -- Due units start from the due holds and their lines by reservation id, both fenced
            -- with MATERIALIZED, the key filtered last: a key condition next to the join lets the
            -- generic plan (made once per session) read every line of the key through the index
            -- by key instead, as V7's moves did until fixed below.
            WITH due_ids AS MATERIALIZED (
                SELECT r.id FROM reservation r WHERE r.status = 'HELD' AND r.expires_at <= p_now
            ), due_lines AS MATERIALIZED (
                SELECT l.sku, l.location, l.quantity
                  FROM due_ids d
                  JOIN reservation_line l ON l.reservation_id = d.id
            )
            SELECT coalesce(sum(x.quantity), 0) INTO refused_due
              FROM due_lines x
             WHERE x.sku = p_key_skus[k] AND x.location = p_key_locations[k];
            refused_sku_known :=
                EXISTS (SELECT 1 FROM item i WHERE i.sku = p_key_skus[k] AND i.active);
            refused_location_known :=
                EXISTS (SELECT 1 FROM location c WHERE c.code = p_key_locations[k] AND c.active);
            left_out_id := NULL;
            RETURN NEXT;
        END IF;
    END LOOP;

    IF req_cap IS NOT NULL THEN
        FOR v_row IN
            SELECT g.buyer, g.sku, g.units, g.cap
              FROM (SELECT r.buyer, p_key_skus[r.k] AS sku, sum(r.quantity)::bigint AS units,
                           max(r.cap) AS cap
                      FROM unnest(p_buyers, p_key_of, p_quantities, req_cap, req_in)
                           AS r(buyer, k, quantity, cap, admitted)
                     WHERE r.cap IS NOT NULL AND r.admitted AND key_on_hand[r.k] IS NOT NULL
                     GROUP BY r.buyer, p_key_skus[r.k]) g
             ORDER BY g.buyer COLLATE "C", g.sku COLLATE "C"
        LOOP
            -- The limit under the row's lock: ON CONFLICT reads the newest committed units.
            INSERT INTO buyer_usage AS u (buyer, sku, units)
            SELECT v_row.buyer, v_row.sku, v_row.units
             WHERE v_row.units <= v_row.cap
            ON CONFLICT (buyer, sku) DO UPDATE
               SET units = u.units + EXCLUDED.units
             WHERE u.units + EXCLUDED.units <= v_row.cap;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'buyer % is past the limit on % under its row lock',
                    v_row.buyer, v_row.sku
                    USING ERRCODE = 'IV002';
            END IF;
        END LOOP;
    END IF;

    WITH granted AS (
        SELECT r.id, p_key_skus[r.k] AS key_sku, p_key_locations[r.k] AS key_location,
               r.quantity, r.hash, r.expires_micros, r.buyer, r.unit_price, r.currency,
               r.cap IS NOT NULL AS counted, r.ord,
               key_on_hand[r.k] AS on_hand, key_reserved[r.k] AS reserved,
               key_totals[r.k] - sum(r.quantity) OVER (PARTITION BY r.k ORDER BY r.ord)
                   AS still_to_come
          FROM unnest(p_ids, p_key_of, p_quantities, p_hashes, p_expires_micros,
                      p_buyers, p_unit_prices, p_currencies, req_cap, req_in)
               WITH ORDINALITY
               AS r(id, k, quantity, hash, expires_micros, buyer, unit_price, currency, cap,
                    admitted, ord)
         WHERE key_on_hand[r.k] IS NOT NULL AND r.admitted
    ), held AS (
        INSERT INTO reservation
               (id, status, created_at, expires_at, updated_at, request_hash, buyer)
        SELECT g.id, p_status, p_now,
               timestamptz 'epoch' + g.expires_micros * interval '1 microsecond', p_now, g.hash,
               g.buyer
          FROM granted g
    ), line AS (
        INSERT INTO reservation_line
               (reservation_id, sku, location, quantity, unit_price_minor, currency,
                buyer_counted)
        SELECT g.id, g.key_sku, g.key_location, g.quantity, g.unit_price, g.currency, g.counted
          FROM granted g
    )
    INSERT INTO inventory_log
           (at, sku, location, kind, on_hand_delta, reserved_delta,
            on_hand_after, reserved_after, reservation_id)
    SELECT p_now, g.key_sku, g.key_location, p_kind, -p_sold * g.quantity, p_held * g.quantity,
           g.on_hand + p_sold * g.still_to_come, g.reserved - p_held * g.still_to_come, g.id
      FROM granted g
     ORDER BY g.ord;
    RETURN;
END;
$$;

-- V6's cart (inventory_place_cart_checked) with the buyer and each line's unit price (NULL where
-- there is none), applying per-buyer limits.
-- Otherwise as V6 wrote it, plan settings included (see V5 for why).
--
-- A cart is refused, writing and locking nothing, also when its buyer's units on a SKU with a limit
-- (as committed) plus the cart's units of that SKU exceed the limit; its answer then says, per line,
-- the limit of the line's SKU, the buyer's units on it and how many of those are held by the
-- buyer's holds past their expiry (cap_limit, cap_used, cap_due; NULL without a buyer or a limit).
-- Placed, the cart adds its units to the buyer's, per SKU in SKU order, after its stock rows, each
-- a conditional upsert under the row's lock; one that no longer fits (the buyer's units were taken
-- meanwhile) raises SQLSTATE IV002, which undoes the whole statement, as IV001 does for stock.
CREATE FUNCTION inventory_place_cart_checked(
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
    p_quantities  bigint[],
    p_buyer       text,
    p_unit_prices bigint[],
    p_currencies  text[])
RETURNS TABLE (short_sku text, short_location text, short_on_hand bigint,
               short_available bigint, short_due bigint, id_taken boolean,
               sku_known boolean, location_known boolean,
               cap_limit bigint, cap_used bigint, cap_due bigint)
LANGUAGE plpgsql
SET search_path FROM CURRENT
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    line_on_hand   bigint[] := '{}';
    line_reserved  bigint[] := '{}';
    -- Per line: its SKU's limit when the cart names a buyer and the item has one, else NULL.
    line_cap       bigint[];
    v_on_hand      bigint;
    v_reserved     bigint;
    v_row          record;
BEGIN
    IF p_buyer IS NOT NULL THEN
        SELECT array_agg(i.per_buyer_limit ORDER BY l.ord) INTO line_cap
          FROM unnest(p_skus) WITH ORDINALITY AS l(sku, ord)
          LEFT JOIN item i ON i.sku = l.sku;
        IF NOT EXISTS (SELECT 1 FROM unnest(line_cap) AS c(cap) WHERE c.cap IS NOT NULL) THEN
            line_cap := NULL;
        END IF;
    END IF;

    IF EXISTS (SELECT 1 FROM reservation r WHERE r.id = p_id)
       OR EXISTS (
           SELECT 1
             FROM unnest(p_skus, p_locations, p_quantities) AS l(sku, location, quantity)
             LEFT JOIN stock_level s ON s.sku = l.sku AND s.location = l.location
            WHERE coalesce(s.on_hand - s.reserved, 0) < l.quantity
               OR NOT coalesce(s.item_active AND s.location_active, true))
       OR (line_cap IS NOT NULL AND EXISTS (
           SELECT 1
             FROM (SELECT l.sku, sum(l.quantity) AS quantity, max(l.cap) AS cap
                     FROM unnest(p_skus, p_quantities, line_cap) AS l(sku, quantity, cap)
                    WHERE l.cap IS NOT NULL
                    GROUP BY l.sku) c
             LEFT JOIN buyer_usage u ON u.buyer = p_buyer AND u.sku = c.sku
            WHERE coalesce(u.units, 0) + c.quantity > c.cap)) THEN
        -- Due units per key start from the due holds, fenced with MATERIALIZED (see V5).
        RETURN QUERY
            WITH keys AS (
                SELECT *
                  FROM unnest(p_skus, p_locations, line_cap) WITH ORDINALITY
                       AS k(sku, location, cap, ord)
            ), due_ids AS MATERIALIZED (
                SELECT r.id FROM reservation r WHERE r.status = 'HELD' AND r.expires_at <= p_now
            ), due_lines AS MATERIALIZED (  -- by reservation id, the keys matched after (above)
                SELECT l.sku, l.location, l.quantity
                  FROM due_ids d
                  JOIN reservation_line l ON l.reservation_id = d.id
            ), due AS (
                SELECT x.sku, x.location, sum(x.quantity)::bigint AS quantity
                  FROM due_lines x
                  JOIN keys k ON k.sku = x.sku AND k.location = x.location
                 GROUP BY x.sku, x.location
            )
            SELECT k.sku, k.location,
                   coalesce(s.on_hand, 0),
                   coalesce(s.on_hand - s.reserved, 0),
                   coalesce(due.quantity, 0),
                   EXISTS (SELECT 1 FROM reservation r WHERE r.id = p_id),
                   EXISTS (SELECT 1 FROM item i WHERE i.sku = k.sku AND i.active),
                   EXISTS (SELECT 1 FROM location c WHERE c.code = k.location AND c.active),
                   k.cap,
                   CASE WHEN k.cap IS NOT NULL THEN
                       coalesce((SELECT u.units FROM buyer_usage u
                                  WHERE u.buyer = p_buyer AND u.sku = k.sku), 0)
                   END,
                   -- The buyer's counted units on the SKU held by its holds past their expiry:
                   -- from the buyer's reservations (the index by buyer), not from the SKU's.
                   CASE WHEN k.cap IS NOT NULL THEN
                       (SELECT coalesce(sum(l.quantity), 0)::bigint
                          FROM reservation r
                          JOIN reservation_line l ON l.reservation_id = r.id
                         WHERE r.buyer = p_buyer AND r.status = 'HELD' AND r.expires_at <= p_now
                           AND l.sku = k.sku AND l.buyer_counted)
                   END
              FROM keys k
              LEFT JOIN stock_level s ON s.sku = k.sku AND s.location = k.location
              LEFT JOIN due ON due.sku = k.sku AND due.location = k.location
             ORDER BY k.ord;
        RETURN;
    END IF;

    -- The reservation first: a duplicate id fails here, before any stock row is locked.
    INSERT INTO reservation (id, status, created_at, expires_at, updated_at, request_hash, buyer)
    VALUES (p_id, p_status, p_now, p_expires_at, p_now, p_hash, p_buyer);
    INSERT INTO reservation_line
           (reservation_id, sku, location, quantity, unit_price_minor, currency, buyer_counted)
    SELECT p_id, l.sku, l.location, l.quantity, l.unit_price, l.currency, l.cap IS NOT NULL
      FROM unnest(p_skus, p_locations, p_quantities, p_unit_prices, p_currencies, line_cap)
           AS l(sku, location, quantity, unit_price, currency, cap);

    FOR k IN 1 .. cardinality(p_skus) LOOP
        UPDATE stock_level s
           SET on_hand = s.on_hand - p_sold * p_quantities[k],
               reserved = s.reserved + p_held * p_quantities[k],
               updated_at = p_now
         WHERE s.sku = p_skus[k] AND s.location = p_locations[k]
           -- The whole safety argument: the row lock and the check are one step.
           AND s.on_hand - s.reserved >= p_quantities[k]
           AND s.item_active AND s.location_active
        RETURNING s.on_hand, s.reserved INTO v_on_hand, v_reserved;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'cart % is short on %@% under its row lock', p_id, p_skus[k],
                p_locations[k]
                USING ERRCODE = 'IV001';
        END IF;
        line_on_hand[k] := v_on_hand;
        line_reserved[k] := v_reserved;
    END LOOP;

    IF line_cap IS NOT NULL THEN
        FOR v_row IN
            SELECT c.sku, c.units, c.cap
              FROM (SELECT l.sku, sum(l.quantity)::bigint AS units, max(l.cap) AS cap
                      FROM unnest(p_skus, p_quantities, line_cap) AS l(sku, quantity, cap)
                     WHERE l.cap IS NOT NULL
                     GROUP BY l.sku) c
             ORDER BY c.sku COLLATE "C"
        LOOP
            -- The limit under the row's lock: ON CONFLICT reads the newest committed units.
            INSERT INTO buyer_usage AS u (buyer, sku, units)
            SELECT p_buyer, v_row.sku, v_row.units
             WHERE v_row.units <= v_row.cap
            ON CONFLICT (buyer, sku) DO UPDATE
               SET units = u.units + EXCLUDED.units
             WHERE u.units + EXCLUDED.units <= v_row.cap;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'cart % is past the limit of buyer % on % under its row lock',
                    p_id, p_buyer, v_row.sku
                    USING ERRCODE = 'IV002';
            END IF;
        END LOOP;
    END IF;

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

-- V5's inventory_move, answering also each moved reservation's buyer and each line's unit price,
-- so that a confirm or a release returns the reservation whole without another round trip. (A
-- function keeps its result type, hence a function of its own; inventory_move stays as it was for
-- a library of an earlier version.) The prices are read by primary key, after the move's locks.
CREATE FUNCTION inventory_move_reservations(
    p_ids     text[],
    p_targets text[],
    p_kinds   text[],
    p_sold    bigint[],
    p_now     timestamptz)
RETURNS TABLE (moved_id text, moved_created_at timestamptz, moved_expires_at timestamptz,
               moved_buyer text, moved_sku text, moved_location text, moved_quantity bigint,
               moved_unit_price_minor bigint, moved_currency text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    -- A variable, not a literal: see V5's inventory_move.
    v_held     CONSTANT text := 'HELD';
    v_ids      text[];
    v_kinds    text[];
    v_sold     bigint[];
    v_created  timestamptz[];
    v_expires  timestamptz[];
    v_buyers   text[];
BEGIN
    WITH moved AS (
        UPDATE reservation r
           SET status = p_targets[array_position(p_ids, r.id)], updated_at = p_now
         WHERE r.id = ANY (p_ids) AND r.status = v_held AND r.expires_at > p_now
        RETURNING r.id, p_kinds[array_position(p_ids, r.id)] AS kind,
                  p_sold[array_position(p_ids, r.id)] AS sold, r.created_at, r.expires_at,
                  r.buyer
    )
    SELECT array_agg(m.id), array_agg(m.kind), array_agg(m.sold),
           array_agg(m.created_at), array_agg(m.expires_at), array_agg(m.buyer)
      INTO v_ids, v_kinds, v_sold, v_created, v_expires, v_buyers
      FROM moved m;
    IF v_ids IS NULL THEN
        RETURN;
    END IF;
    -- The prices: the moved reservations' lines read by their ids first (MATERIALIZED), then
    -- matched to the lines given back. Joined to reservation_line on the key, the generic plan used
    -- the index by key and read every line ever placed on a hot SKU for each move (7,600 lines a
    -- confirm after 15 s of a flash sale, and falling).
    RETURN QUERY
    WITH priced AS MATERIALIZED (
        SELECT l.reservation_id, l.sku, l.location, l.unit_price_minor, l.currency
          FROM reservation_line l
         WHERE l.reservation_id = ANY (v_ids)
    )
    SELECT b.line_reservation_id, m.created_at, m.expires_at, m.buyer,
           b.line_sku, b.line_location, b.line_quantity, p.unit_price_minor, p.currency
      FROM inventory_give_back(v_ids, v_kinds, v_sold, p_now) b
      JOIN unnest(v_ids, v_created, v_expires, v_buyers) AS m(id, created_at, expires_at, buyer)
        ON m.id = b.line_reservation_id
      JOIN priced p
        ON p.reservation_id = b.line_reservation_id
       AND p.sku = b.line_sku AND p.location = b.line_location;
END;
$$;

-- V5's inventory_give_back, giving back also the buyers' units: lines counted for a buyer
-- (buyer_counted) of reservations released or expired (p_sold 0) leave buyer_usage, per buyer and
-- SKU in that order, after the stock rows (the lock order of every function here). A confirm
-- (p_sold 1) keeps them: bought units count against the limit as held ones do. Otherwise as V5
-- wrote it; used by inventory_move, inventory_move_reservations and the expiry.
CREATE OR REPLACE FUNCTION inventory_give_back(
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
    v_row          record;
    v_buyers_back  boolean;
BEGIN
    -- MATERIALIZED, unlike V5: the lines by their reservation ids, then grouped. Grouped straight
    -- from the table, the generic plan (made once per session, maybe while the table was still
    -- small) could read the whole index by key for its order, with the ids as a mere filter: every
    -- line ever placed, for each confirm or release (7,600 lines a move after 15 s on a hot SKU).
    WITH lines AS MATERIALIZED (
        SELECT l.sku, l.location, l.quantity, l.buyer_counted,
               p_sold[array_position(p_ids, l.reservation_id)] AS sold
          FROM reservation_line l
         WHERE l.reservation_id = ANY (p_ids)
    )
    SELECT array_agg(t.sku ORDER BY t.sku COLLATE "C", t.location COLLATE "C"),
           array_agg(t.location ORDER BY t.sku COLLATE "C", t.location COLLATE "C"),
           array_agg(t.total ORDER BY t.sku COLLATE "C", t.location COLLATE "C"),
           array_agg(t.sold ORDER BY t.sku COLLATE "C", t.location COLLATE "C"),
           coalesce(bool_or(t.buyers_back), false)
      INTO key_skus, key_locations, key_totals, key_sold, v_buyers_back
      FROM (SELECT x.sku, x.location, sum(x.quantity)::bigint AS total,
                   sum(x.sold * x.quantity)::bigint AS sold,
                   -- A line counted for a buyer and not sold: its buyer gets units back below.
                   bool_or(x.buyer_counted AND x.sold = 0) AS buyers_back
              FROM lines x
             GROUP BY x.sku, x.location) t;
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

    -- The buyers' units: only lines counted for a buyer and given back (a confirm keeps its
    -- buyer's units), so nothing to read for the others.
    IF v_buyers_back THEN
        FOR v_row IN
            WITH counted AS MATERIALIZED (  -- by reservation id first, as above
                SELECT l.reservation_id, l.sku, l.quantity
                  FROM reservation_line l
                 WHERE l.reservation_id = ANY (p_ids) AND l.buyer_counted
                   AND p_sold[array_position(p_ids, l.reservation_id)] = 0
            )
            SELECT r.buyer, c.sku, sum(c.quantity)::bigint AS units
              FROM counted c
              JOIN reservation r ON r.id = c.reservation_id
             GROUP BY r.buyer, c.sku
             ORDER BY r.buyer COLLATE "C", c.sku COLLATE "C"
        LOOP
            UPDATE buyer_usage u
               SET units = u.units - v_row.units
             WHERE u.buyer = v_row.buyer AND u.sku = v_row.sku;
        END LOOP;
    END IF;

    RETURN QUERY
    -- MATERIALIZED: the lines are found by their reservation ids first (see V5).
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
