-- A one-line reserve or purchase (the path of every request without flash-sale mode, and of a
-- request alone in flash-sale mode) as a function, instead of the one data-modifying statement the
-- library sent until now. The same work in the same order; what changes is the cost of waiting for
-- the row, and the snapshot a refusal's answer is read in (below).
--
-- Why: when a conditional UPDATE waits for a row that another transaction holds, PostgreSQL
-- re-checks the row's new version once it gets it (EvalPlanQual), and to do that it first sets up
-- every subplan of the waiting statement: in the single statement, the reservation's, the line's,
-- the log's and the buyer's INSERTs and each subquery of the refusal's answer. That setup runs
-- while the row is locked, so on a hot SKU every buyer paid it inside the row's queue. Measured
-- with pgbench (64 clients on one SKU, local PostgreSQL 15): the single statement 810-990 calls/s,
-- this function 1,290-1,560, the bare conditional UPDATE 1,900-2,490; with one client, no slower.
-- Here the UPDATE is a statement of its own, whose re-check sets up nothing else.
--
-- Order, as before: the buyer's room under the SKU's limit (only when the request names a buyer and
-- the SKU has a limit), from what is committed: no room, no write and no lock. Then the stock row's
-- conditional UPDATE. Then, under its lock (stock rows before buyer_usage rows, the lock order of
-- V7), the buyer's units by a conditional upsert: if they no longer fit, SQLSTATE IV002 undoes the
-- call (inventory_buyer_raced) and the caller tries again. Then the reservation (an id already
-- taken fails the call on reservation_pkey, which undoes the UPDATE), its line and the log row.
-- Refused (short, deactivated in known-keys mode, or no room for the buyer): nothing is written,
-- and the row answers what the caller needs to say why, without a second round trip: what is free,
-- what due holds keep on the key, whether the id is taken, whether the catalog knows the SKU and the
-- location, and under a limit the buyer's units and those its due holds keep. All of it is read in
-- one snapshot, taken after the UPDATE (the single statement read it in the snapshot from before
-- its wait for the row, which after a wait could show units already taken).
--
-- Reserve: p_held 1, p_sold 0, p_kind RESERVE; purchase: p_held 0, p_sold 1, p_kind CONFIRM (as in
-- inventory_place_batch and inventory_place_carts).
-- An instance of an earlier version on this schema keeps sending its statement: both change the
-- same rows in the same way, so they mix.
CREATE FUNCTION inventory_place_one_line(
    p_id             text,
    p_status         text,
    p_kind           text,
    p_sku            text,
    p_location       text,
    p_quantity       bigint,
    p_held           bigint,
    p_sold           bigint,
    p_hash           text,
    p_buyer          text,
    p_unit_price     bigint,
    p_currency       text,
    p_now            timestamptz,
    p_expires_at     timestamptz)
RETURNS TABLE (placed boolean, available bigint, due bigint, id_taken boolean,
               sku_known boolean, location_known boolean,
               cap_limit bigint, cap_used bigint, cap_due bigint)
LANGUAGE plpgsql
SET search_path FROM CURRENT
-- Generic plans that look rows up by key whatever the tables' size when first planned (see V5).
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    -- The SKU's per-buyer limit: NULL unless the request names a buyer and the item has a limit.
    v_limit    bigint;
    v_used     bigint;
    v_on_hand  bigint;
    v_reserved bigint;
BEGIN
    IF p_buyer IS NOT NULL THEN
        SELECT i.per_buyer_limit, coalesce(u.units, 0) INTO v_limit, v_used
          FROM item i
          LEFT JOIN buyer_usage u ON u.buyer = p_buyer AND u.sku = i.sku
         WHERE i.sku = p_sku AND i.per_buyer_limit IS NOT NULL;
    END IF;

    IF v_limit IS NULL OR v_used + p_quantity <= v_limit THEN
        UPDATE stock_level
           SET on_hand = on_hand - p_sold * p_quantity,
               reserved = reserved + p_held * p_quantity,
               updated_at = p_now
         WHERE sku = p_sku AND location = p_location
           -- The whole safety argument: the database itself refuses what is not there.
           AND on_hand - reserved >= p_quantity
           -- Known-keys mode: a key the catalog deactivated is refused like a short one (V6).
           AND item_active AND location_active
        RETURNING on_hand, reserved INTO v_on_hand, v_reserved;

        IF FOUND THEN
            IF v_limit IS NOT NULL THEN
                -- ON CONFLICT reads the newest committed units, under the buyer's row lock.
                INSERT INTO buyer_usage AS u (buyer, sku, units)
                SELECT p_buyer, p_sku, p_quantity
                 WHERE p_quantity <= v_limit
                ON CONFLICT (buyer, sku) DO UPDATE
                   SET units = u.units + EXCLUDED.units
                 WHERE u.units + EXCLUDED.units <= v_limit;
                IF NOT FOUND THEN
                    PERFORM inventory_buyer_raced(p_buyer, p_sku);
                END IF;
            END IF;
            INSERT INTO reservation
                   (id, status, created_at, expires_at, updated_at, request_hash, buyer)
            VALUES (p_id, p_status, p_now, p_expires_at, p_now, p_hash, p_buyer);
            INSERT INTO reservation_line
                   (reservation_id, sku, location, quantity, unit_price_minor, currency,
                    buyer_counted)
            VALUES (p_id, p_sku, p_location, p_quantity, p_unit_price, p_currency,
                    v_limit IS NOT NULL);
            INSERT INTO inventory_log
                   (at, sku, location, kind, on_hand_delta, reserved_delta,
                    on_hand_after, reserved_after, reservation_id)
            VALUES (p_now, p_sku, p_location, p_kind, -p_sold * p_quantity, p_held * p_quantity,
                    v_on_hand, v_reserved, p_id);
            placed := true;
            RETURN NEXT;
            RETURN;
        END IF;
    END IF;

    -- Refused: nothing was written. The answer in one statement, so in one snapshot: the caller
    -- adds what was free to what due holds keep (and the buyer's units to their due part), and an
    -- expiry committed between two reads would make those sums wrong (OneLineRefusalTest).
    placed := false;
    cap_limit := v_limit;
    SELECT coalesce((SELECT s.on_hand - s.reserved FROM stock_level s
                      WHERE s.sku = p_sku AND s.location = p_location), 0),
           -- Due holds first (the partial index on held reservations), fenced: see SqlText's
           -- DUE_ON_KEY.
           (WITH due_ids AS MATERIALIZED (
                     SELECT r.id FROM reservation r
                      WHERE r.status = 'HELD' AND r.expires_at <= p_now)
            SELECT coalesce(sum(l.quantity), 0)
              FROM due_ids d
              JOIN reservation_line l ON l.reservation_id = d.id
             WHERE l.sku = p_sku AND l.location = p_location),
           EXISTS (SELECT 1 FROM reservation r WHERE r.id = p_id),
           EXISTS (SELECT 1 FROM item i WHERE i.sku = p_sku AND i.active),
           EXISTS (SELECT 1 FROM location c WHERE c.code = p_location AND c.active),
           CASE WHEN v_limit IS NOT NULL THEN
               coalesce((SELECT u.units FROM buyer_usage u
                          WHERE u.buyer = p_buyer AND u.sku = p_sku), 0)
           END,
           CASE WHEN v_limit IS NOT NULL THEN
               (SELECT coalesce(sum(l.quantity), 0)
                  FROM reservation r
                  JOIN reservation_line l ON l.reservation_id = r.id
                 WHERE r.buyer = p_buyer AND r.status = 'HELD' AND r.expires_at <= p_now
                   AND l.sku = p_sku AND l.buyer_counted)
           END
      INTO available, due, id_taken, sku_known, location_known, cap_used, cap_due;
    RETURN NEXT;
END;
$$;
