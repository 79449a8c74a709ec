-- A confirm, a release and the expiry read the lines they give back once (a confirm or a release
-- read them three times, the expiry twice; lines counted for a buyer and given back are read once
-- more for the buyer's units, as before). No table changes, and no function's arguments or
-- answers: an instance of an earlier version on this schema calls the same functions and gets the
-- same answers. They now call inventory_give_back_priced with their caller's rights: a database
-- that revokes EXECUTE from PUBLIC must grant it on that function too.
--
-- Why: V7's inventory_move_reservations read the moved reservations' lines for their prices, then
-- called inventory_give_back, which read them again to total them per key and a third time to write
-- their log rows, each log row's levels from a window over the batch. Each read is an index scan by
-- reservation id inside the function (a statement of its own, with its own executor start-up); on
-- uniform keys, where a combined batch holds ~10 one-line reservations of ~10 keys, the moves were
-- 58 % of the server's execution time of a reserve-then-confirm cycle.
--
-- Now inventory_give_back_priced reads the lines once, with their prices, in key order; changes
-- each stock row once by its lines' total, still in key order (the lock order of every function
-- here); works out each log row's levels in the loop (the key's last line sees the row's new
-- levels, an earlier line those before the lines after it took theirs: the log replays as if the
-- lines had moved one by one in that order, as before); and writes the log rows in one INSERT.
-- inventory_move_reservations joins its answer to the moved reservations instead of reading the
-- prices again; the library's expiry calls it directly; inventory_give_back answers its lines to
-- earlier versions' expiry and to V5's inventory_move.

-- Gives back the units of the reservations p_ids has just moved out of HELD (their statuses already
-- set by the caller, in its transaction): p_sold 1 for a confirm (the units leave on_hand too), 0
-- for a release or an expiry; p_kinds is each one's log kind. The buyers' units of lines counted
-- for a buyer leave buyer_usage when not sold (V7). Answers each line given back with its price.
CREATE FUNCTION inventory_give_back_priced(
    p_ids   text[],
    p_kinds text[],
    p_sold  bigint[],
    p_now   timestamptz)
RETURNS TABLE (line_reservation_id text, line_sku text, line_location text, line_quantity bigint,
               line_unit_price_minor bigint, line_currency text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan
SET jit = off
AS $$
DECLARE
    -- The lines, sorted by key and, within a key, by reservation id (the log's order).
    l_ids         text[];
    l_skus        text[];
    l_locations   text[];
    l_quantities  bigint[];
    l_kinds       text[];
    l_sold        bigint[];
    l_prices      bigint[];
    l_currencies  text[];
    -- Each line's levels in the log: the stock row's just after that line's move.
    l_on_hand     bigint[];
    l_reserved    bigint[];
    v_buyers_back boolean;
    n             integer;
    first         integer := 1;
    last          integer;
    sold_total    bigint;
    held_total    bigint;
    v_on_hand     bigint;
    v_reserved    bigint;
    v_row         record;
BEGIN
    -- The lines by their reservation ids (MATERIALIZED: see V7, a generic plan must not read the
    -- index by key), each with its position in p_ids.
    WITH lines AS MATERIALIZED (
        SELECT l.reservation_id, l.sku, l.location, l.quantity, l.buyer_counted,
               l.unit_price_minor, l.currency, array_position(p_ids, l.reservation_id) AS i
          FROM reservation_line l
         WHERE l.reservation_id = ANY (p_ids)
    )
    SELECT array_agg(x.reservation_id ORDER BY x.sku COLLATE "C", x.location COLLATE "C",
                     x.reservation_id COLLATE "C"),
           array_agg(x.sku ORDER BY x.sku COLLATE "C", x.location COLLATE "C",
                     x.reservation_id COLLATE "C"),
           array_agg(x.location ORDER BY x.sku COLLATE "C", x.location COLLATE "C",
                     x.reservation_id COLLATE "C"),
           array_agg(x.quantity ORDER BY x.sku COLLATE "C", x.location COLLATE "C",
                     x.reservation_id COLLATE "C"),
           array_agg(p_kinds[x.i] ORDER BY x.sku COLLATE "C", x.location COLLATE "C",
                     x.reservation_id COLLATE "C"),
           array_agg(p_sold[x.i] ORDER BY x.sku COLLATE "C", x.location COLLATE "C",
                     x.reservation_id COLLATE "C"),
           array_agg(x.unit_price_minor ORDER BY x.sku COLLATE "C", x.location COLLATE "C",
                     x.reservation_id COLLATE "C"),
           array_agg(x.currency ORDER BY x.sku COLLATE "C", x.location COLLATE "C",
                     x.reservation_id COLLATE "C"),
           -- A line counted for a buyer and not sold: its buyer gets units back below.
           coalesce(bool_or(x.buyer_counted AND p_sold[x.i] = 0), false)
      INTO l_ids, l_skus, l_locations, l_quantities, l_kinds, l_sold, l_prices, l_currencies,
           v_buyers_back
      FROM lines x;
    IF l_ids IS NULL THEN
        RETURN;
    END IF;
    n := cardinality(l_ids);
    l_on_hand := array_fill(0::bigint, ARRAY[n]);
    l_reserved := array_fill(0::bigint, ARRAY[n]);

    -- Each key's lines lie together (first .. last); its stock row changes once, by their total.
    WHILE first <= n LOOP
        last := first;
        sold_total := l_sold[first] * l_quantities[first];
        held_total := l_quantities[first];
        WHILE last < n AND l_skus[last + 1] = l_skus[first]
                       AND l_locations[last + 1] = l_locations[first] LOOP
            last := last + 1;
            sold_total := sold_total + l_sold[last] * l_quantities[last];
            held_total := held_total + l_quantities[last];
        END LOOP;
        UPDATE stock_level s
           SET on_hand = s.on_hand - sold_total,
               reserved = s.reserved - held_total,
               updated_at = p_now
         WHERE s.sku = l_skus[first] AND s.location = l_locations[first]
        RETURNING s.on_hand, s.reserved INTO v_on_hand, v_reserved;
        IF NOT FOUND THEN
            -- Held units always have their row: impossible while the CHECK constraint holds.
            RAISE EXCEPTION 'stock row %@% missing while giving back held units',
                l_skus[first], l_locations[first];
        END IF;
        -- The key's last line leaves the row as it is now; each earlier one, as it was before the
        -- lines after it moved.
        FOR i IN REVERSE last .. first LOOP
            l_on_hand[i] := v_on_hand;
            l_reserved[i] := v_reserved;
            v_on_hand := v_on_hand + l_sold[i] * l_quantities[i];
            v_reserved := v_reserved + l_quantities[i];
        END LOOP;
        first := last + 1;
    END LOOP;

    -- The buyers' units, after the stock rows (the lock order), per buyer and SKU: as V7.
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

    INSERT INTO inventory_log
           (at, sku, location, kind, on_hand_delta, reserved_delta,
            on_hand_after, reserved_after, reservation_id)
    SELECT p_now, y.sku, y.location, y.kind, -y.sold * y.quantity, -y.quantity,
           y.on_hand, y.reserved, y.id
      FROM unnest(l_ids, l_skus, l_locations, l_kinds, l_sold, l_quantities, l_on_hand,
                  l_reserved) WITH ORDINALITY
           AS y(id, sku, location, kind, sold, quantity, on_hand, reserved, ord)
     ORDER BY y.ord;

    RETURN QUERY
    SELECT y.id, y.sku, y.location, y.quantity, y.price, y.currency
      FROM unnest(l_ids, l_skus, l_locations, l_quantities, l_prices, l_currencies)
           AS y(id, sku, location, quantity, price, currency);
END;
$$;

-- The giving back of earlier versions' expiry and of V5's inventory_move: the lines without their
-- prices.
CREATE OR REPLACE FUNCTION inventory_give_back(
    p_ids   text[],
    p_kinds text[],
    p_sold  bigint[],
    p_now   timestamptz)
RETURNS TABLE (line_reservation_id text, line_sku text, line_location text, line_quantity bigint)
LANGUAGE sql
SET search_path FROM CURRENT
SET jit = off
AS $$
    SELECT b.line_reservation_id, b.line_sku, b.line_location, b.line_quantity
      FROM inventory_give_back_priced(p_ids, p_kinds, p_sold, p_now) b;
$$;

-- V7's, with the prices from the giving back rather than read again.
CREATE OR REPLACE FUNCTION inventory_move_reservations(
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
SET jit = off
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
           b.line_sku, b.line_location, b.line_quantity, b.line_unit_price_minor, b.line_currency
      FROM inventory_give_back_priced(v_ids, v_kinds, v_sold, p_now) b
      JOIN unnest(v_ids, v_created, v_expires, v_buyers) AS m(id, created_at, expires_at, buyer)
        ON m.id = b.line_reservation_id;
END;
$$;
