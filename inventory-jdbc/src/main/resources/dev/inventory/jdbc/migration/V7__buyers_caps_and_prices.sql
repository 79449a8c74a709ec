-- Buyers and unit prices: a reservation may name the buyer it is for, and each of its lines may
-- carry a unit price (an amount in the currency's minor units, and the ISO 4217 code), stored with
-- the line for settlement. The placement functions store both; a function that gains parameters is
-- a new overload, so that a library of an earlier version running on this schema keeps calling the
-- one it knows (which stores neither).

-- NULL: no buyer. Nullable without a default: added without rewriting the table.
ALTER TABLE reservation ADD COLUMN buyer text;

-- A buyer's reservations, newest first, paged by (created_at, id): the keyset of
-- findReservations. Ids in code-point order (COLLATE "C"), as Java's String.compareTo orders them.
-- Partial: reservations without a buyer (every one before V7) cost this index nothing.
CREATE INDEX reservation_by_buyer
    ON reservation (buyer, created_at DESC, id COLLATE "C" DESC)
 WHERE buyer IS NOT NULL;

ALTER TABLE reservation_line
    ADD COLUMN unit_price_minor bigint,
    ADD COLUMN currency         text,
    -- A price is an amount and its currency, or nothing.
    ADD CONSTRAINT reservation_line_price_whole
        CHECK ((unit_price_minor IS NULL) = (currency IS NULL)),
    ADD CONSTRAINT reservation_line_price_amount
        CHECK (unit_price_minor BETWEEN 0 AND 1000000000000000),
    ADD CONSTRAINT reservation_line_price_currency
        CHECK (currency ~ '^[A-Z]{3}$');

-- V6's batch over several keys (inventory_place_batch), each request with its buyer and its line's
-- unit price (NULL where there is none). Otherwise as V6 wrote it: per key, all of its requests or
-- none; a key short or deactivated (known-keys mode) is returned, and nothing is written for it.
CREATE FUNCTION inventory_place_batch(
    p_status        text,
    p_kind          text,
    p_held          bigint,
    p_sold          bigint,
    p_now           timestamptz,
    p_key_skus      text[],
    p_key_locations text[],
    p_key_totals    bigint[],
    -- The requests, in arrival order; p_key_of is the index of each one's key in p_key_*.
    p_ids           text[],
    p_key_of        integer[],
    p_quantities    bigint[],
    p_hashes        text[],
    p_expires_micros bigint[],
    p_buyers        text[],
    p_unit_prices   bigint[],
    p_currencies    text[])
RETURNS TABLE (refused_sku text, refused_location text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
    key_on_hand    bigint[] := '{}';
    key_reserved   bigint[] := '{}';
    v_on_hand      bigint;
    v_reserved     bigint;
BEGIN
    FOR k IN 1 .. cardinality(p_key_skus) LOOP
        UPDATE stock_level s
           SET on_hand = s.on_hand - p_sold * p_key_totals[k],
               reserved = s.reserved + p_held * p_key_totals[k],
               updated_at = p_now
         WHERE s.sku = p_key_skus[k] AND s.location = p_key_locations[k]
           -- The whole safety argument: the row lock and the check are one step.
           AND s.on_hand - s.reserved >= p_key_totals[k]
           AND s.item_active AND s.location_active
        RETURNING s.on_hand, s.reserved INTO v_on_hand, v_reserved;
        IF FOUND THEN
            key_on_hand[k] := v_on_hand;
            key_reserved[k] := v_reserved;
        ELSE
            refused_sku := p_key_skus[k];
            refused_location := p_key_locations[k];
            RETURN NEXT;
        END IF;
    END LOOP;

    WITH granted AS (
        SELECT r.id, p_key_skus[r.k] AS key_sku, p_key_locations[r.k] AS key_location,
               r.quantity, r.hash, r.expires_micros, r.buyer, r.unit_price, r.currency, r.ord,
               key_on_hand[r.k] AS on_hand, key_reserved[r.k] AS reserved,
               p_key_totals[r.k] - sum(r.quantity) OVER (PARTITION BY r.k ORDER BY r.ord)
                   AS still_to_come
          FROM unnest(p_ids, p_key_of, p_quantities, p_hashes, p_expires_micros,
                      p_buyers, p_unit_prices, p_currencies)
               WITH ORDINALITY
               AS r(id, k, quantity, hash, expires_micros, buyer, unit_price, currency, ord)
         WHERE key_on_hand[r.k] IS NOT NULL
    ), held AS (
        INSERT INTO reservation
               (id, status, created_at, expires_at, updated_at, request_hash, buyer)
        SELECT g.id, p_status, p_now,
               timestamptz 'epoch' + g.expires_micros * interval '1 microsecond', p_now, g.hash,
               g.buyer
          FROM granted g
    ), line AS (
        INSERT INTO reservation_line
               (reservation_id, sku, location, quantity, unit_price_minor, currency)
        SELECT g.id, g.key_sku, g.key_location, g.quantity, g.unit_price, g.currency
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
-- there is none). Otherwise as V6 wrote it, plan settings included (see V5 for why).
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
               sku_known boolean, location_known boolean)
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
    v_on_hand      bigint;
    v_reserved     bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM reservation r WHERE r.id = p_id)
       OR EXISTS (
           SELECT 1
             FROM unnest(p_skus, p_locations, p_quantities) AS l(sku, location, quantity)
             LEFT JOIN stock_level s ON s.sku = l.sku AND s.location = l.location
            WHERE coalesce(s.on_hand - s.reserved, 0) < l.quantity
               OR NOT coalesce(s.item_active AND s.location_active, true)) THEN
        -- Due units per key start from the due holds, fenced with MATERIALIZED (see V5).
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
                   EXISTS (SELECT 1 FROM reservation r WHERE r.id = p_id),
                   EXISTS (SELECT 1 FROM item i WHERE i.sku = k.sku AND i.active),
                   EXISTS (SELECT 1 FROM location c WHERE c.code = k.location AND c.active)
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
           (reservation_id, sku, location, quantity, unit_price_minor, currency)
    SELECT p_id, l.sku, l.location, l.quantity, l.unit_price, l.currency
      FROM unnest(p_skus, p_locations, p_quantities, p_unit_prices, p_currencies)
           AS l(sku, location, quantity, unit_price, currency);

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
    RETURN QUERY
    SELECT b.line_reservation_id, m.created_at, m.expires_at, m.buyer,
           b.line_sku, b.line_location, b.line_quantity, l.unit_price_minor, l.currency
      FROM inventory_give_back(v_ids, v_kinds, v_sold, p_now) b
      JOIN unnest(v_ids, v_created, v_expires, v_buyers) AS m(id, created_at, expires_at, buyer)
        ON m.id = b.line_reservation_id
      JOIN reservation_line l
        ON l.reservation_id = b.line_reservation_id
       AND l.sku = b.line_sku AND l.location = b.line_location;
END;
$$;
