-- Flash-sale mode combines carts too: carts (reservations or purchases of several lines, no buyer)
-- that arrive while the statements are busy are placed together by one call, one commit for the
-- batch. Each cart is still all of its lines or none, and each caller hears what it would have heard
-- alone: a batch that cannot place every cart writes nothing and says why, and the caller sends again
-- the carts that were not in the way, and each of the others alone (through
-- inventory_place_cart_checked, which reports its shortages and runs the lazy expiry).
--
-- 1. The batch's total per key, then a check in the snapshot, before any lock: the keys whose total
--    does not fit what is free (or that known-keys mode refuses: the row's catalog flags, V6), and
--    the cart ids already taken, are answered as rows, and nothing is written.
-- 2. The reservations and their lines (no buyer: a cart that names one is placed alone, where its
--    limits are applied), before any stock row is locked, as the one-cart function does.
-- 3. Each key's total, in key order (the order every other function locks rows in, so that nothing
--    deadlocks), with the conditional UPDATE as everywhere else. A key short under its row lock (an
--    instance's statement took the units after the snapshot) raises SQLSTATE IV001, which undoes the
--    whole call; the caller then places the carts alone.
-- 4. A log row per line, cart after cart in arrival order, each with the level as it stood after it,
--    so that a key's chain of levels reads as if the carts had come one after the other.
-- An id taken between the check and the insert fails the whole call, and nothing is written.
-- Purchase: p_held 0, p_sold 1.
CREATE FUNCTION inventory_place_carts(
    p_status         text,
    p_kind           text,
    p_held           bigint,
    p_sold           bigint,
    p_now            timestamptz,
    -- The batch's keys, in key order.
    p_key_skus       text[],
    p_key_locations  text[],
    -- The carts, in arrival order.
    p_ids            text[],
    p_hashes         text[],
    p_expires_micros bigint[],
    -- The lines, cart after cart, each cart's in key order: the index (1-based) of its cart in
    -- p_ids and of its key in p_key_*, its quantity and its unit price (NULL where there is none).
    p_line_cart      integer[],
    p_line_key       integer[],
    p_quantities     bigint[],
    p_unit_prices    bigint[],
    p_currencies     text[])
RETURNS TABLE (refused_sku text, refused_location text, refused_available bigint,
               taken_id text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
-- Generic plans that look rows up by key whatever the tables' size when first planned (see V5).
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    key_totals   bigint[];
    key_on_hand  bigint[] := '{}';
    key_reserved bigint[] := '{}';
    v_on_hand    bigint;
    v_reserved   bigint;
BEGIN
    SELECT array_agg(coalesce(t.total, 0) ORDER BY k.k) INTO key_totals
      FROM generate_subscripts(p_key_skus, 1) AS k(k)
      LEFT JOIN (SELECT l.k, sum(l.quantity)::bigint AS total
                   FROM unnest(p_line_key, p_quantities) AS l(k, quantity)
                  GROUP BY l.k) t ON t.k = k.k;

    RETURN QUERY
        SELECT p_key_skus[k.k], p_key_locations[k.k],
               coalesce(s.on_hand - s.reserved, 0), NULL::text
          FROM generate_subscripts(p_key_skus, 1) AS k(k)
          LEFT JOIN stock_level s
            ON s.sku = p_key_skus[k.k] AND s.location = p_key_locations[k.k]
         WHERE coalesce(s.on_hand - s.reserved, 0) < key_totals[k.k]
            OR NOT coalesce(s.item_active AND s.location_active, false)
        UNION ALL
        SELECT NULL, NULL, NULL, r.id
          FROM unnest(p_ids) AS c(id)
          JOIN reservation r ON r.id = c.id;
    IF FOUND THEN
        RETURN;
    END IF;

    INSERT INTO reservation (id, status, created_at, expires_at, updated_at, request_hash)
    SELECT c.id, p_status, p_now,
           timestamptz 'epoch' + c.expires_micros * interval '1 microsecond', p_now, c.hash
      FROM unnest(p_ids, p_hashes, p_expires_micros) AS c(id, hash, expires_micros);
    INSERT INTO reservation_line
           (reservation_id, sku, location, quantity, unit_price_minor, currency)
    SELECT p_ids[l.c], p_key_skus[l.k], p_key_locations[l.k], l.quantity, l.unit_price,
           l.currency
      FROM unnest(p_line_cart, p_line_key, p_quantities, p_unit_prices, p_currencies)
           AS l(c, k, quantity, unit_price, currency);

    FOR k IN 1 .. cardinality(p_key_skus) LOOP
        UPDATE stock_level s
           SET on_hand = s.on_hand - p_sold * key_totals[k],
               reserved = s.reserved + p_held * key_totals[k],
               updated_at = p_now
         WHERE s.sku = p_key_skus[k] AND s.location = p_key_locations[k]
           -- The whole safety argument: the row lock and the check are one step.
           AND s.on_hand - s.reserved >= key_totals[k]
           AND s.item_active AND s.location_active
        RETURNING s.on_hand, s.reserved INTO v_on_hand, v_reserved;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'a batch of carts is short on %@% under its row lock',
                p_key_skus[k], p_key_locations[k]
                USING ERRCODE = 'IV001';
        END IF;
        key_on_hand[k] := v_on_hand;
        key_reserved[k] := v_reserved;
    END LOOP;

    -- A line's level after it: the key's level after the batch, less what the key's later lines
    -- of the batch took.
    INSERT INTO inventory_log
           (at, sku, location, kind, on_hand_delta, reserved_delta,
            on_hand_after, reserved_after, reservation_id)
    SELECT p_now, p_key_skus[l.k], p_key_locations[l.k], p_kind,
           -p_sold * l.quantity, p_held * l.quantity,
           key_on_hand[l.k] + p_sold * l.still_to_come,
           key_reserved[l.k] - p_held * l.still_to_come,
           p_ids[l.c]
      FROM (SELECT x.c, x.k, x.quantity, x.ord,
                   key_totals[x.k] - sum(x.quantity) OVER (PARTITION BY x.k ORDER BY x.ord)
                       AS still_to_come
              FROM unnest(p_line_cart, p_line_key, p_quantities) WITH ORDINALITY
                   AS x(c, k, quantity, ord)) l
     ORDER BY l.ord;
    RETURN;
END;
$$;
