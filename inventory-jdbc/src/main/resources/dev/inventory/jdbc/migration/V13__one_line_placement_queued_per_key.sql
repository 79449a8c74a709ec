-- A one-line reserve or purchase (inventory_place_one_line) waits for a contended SKU in a queue
-- of its own, one request after the other, instead of on the stock row with every other buyer. No
-- table changes, and the function keeps its arguments and answers: an instance of an earlier version
-- that calls it (V10's on) queues too.
--
-- Why: when many transactions wait to UPDATE one row, PostgreSQL wakes every one of them each time
-- the row's holder commits (they end up waiting on the holder's transaction id, a lock they share);
-- each re-reads the row, one wins, and the rest go back to sleep on the winner. On a hot SKU
-- without flash-sale mode that herd is most of the server's work: pgbench, 64 clients on one SKU,
-- local PostgreSQL 15 on 2 cores: ~115,000 context switches/s and half the CPU in the kernel, for
-- 950-1,350 calls/s of V10's function (a bare conditional UPDATE: 1,660-2,230). Waiting instead on a
-- transaction-level advisory lock of the key, the waiters form a queue that PostgreSQL wakes one at
-- a time, and the one woken finds the row free (unless a batch, a move, an expiry or a caller's
-- transaction holds it): 1,740-2,130 calls/s, ~20,000 context switches/s, a third of the CPU idle.
-- On 100,000 SKUs, where nobody waits: V10's 4,070-5,220 calls/s, this one's 5,050-5,160.
--
-- The lock is taken inside the UPDATE's condition, after the stock check passed on the row as the
-- statement first read it, so that:
--   - a request short when it arrives never queues (a sold-out SKU's refusals stay concurrent);
--     those already queued when the key sells out are refused in turn, each at its turn;
--   - only a transaction that has written nothing yet queues (it has no transaction id, so it holds
--     no row lock; in autocommit, every call). One that already wrote (a caller's transaction,
--     through TransactionalInventory) may hold the row a queued request waits for, so it goes
--     straight to the row, as before. A transaction waiting in a queue thus holds no row anyone
--     waits for, and the library's own locks close no cycle of waits through the queue. (A
--     caller's transaction that holds a lock of its own, written nothing, and waits in the queue
--     of a key whose holder then asks for that lock, deadlocks, as it would have on the row; only
--     two keys sharing a queue would add such a case, and 63 bits of hash make that negligible.)
-- The lock is released when the call's transaction ends, as the row's is (or at the rollback of the
-- caller's savepoint around a failed call). The stock check itself is the one it always was: made
-- again by PostgreSQL on the row's newest version before it changes it. A queued request waits
-- twice, for its turn and then perhaps for the row: lock_timeout bounds each wait.
--
-- Everything else is V10's function as it was, with V11's jit = off.

CREATE OR REPLACE FUNCTION inventory_place_one_line(
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
SET jit = off
AS $$
DECLARE
    -- The SKU's per-buyer limit: NULL unless the request names a buyer and the item has a limit.
    v_limit    bigint;
    v_used     bigint;
    v_on_hand  bigint;
    v_reserved bigint;
    -- The key's queue: a 64-bit hash of the schema and the key, whose bits name an advisory lock
    -- of two int4 keys (63 of them: the second key is kept non-negative). chr(31) separates the
    -- parts: a StockKey has no control characters, so two keys never make one string.
    v_queue    bigint := hashtextextended(
                             current_schema() || chr(31) || p_sku || chr(31) || p_location, 0);
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
           AND CASE
                   -- The whole safety argument: the database itself refuses what is not there.
                   -- Known-keys mode: a key the catalog deactivated is refused like a short one
                   -- (V6). Short when the statement reads the row, a request never queues: after
                   -- a sell-out, refusals run side by side. (IS NOT TRUE: a NULL refuses too.)
                   WHEN (on_hand - reserved >= p_quantity AND item_active AND location_active)
                        IS NOT TRUE
                       THEN false
                   -- A transaction that has written already (a caller's, through
                   -- TransactionalInventory) may hold this row or others: it does not queue.
                   -- Also true when the UPDATE re-checks the row's newest version after its turn
                   -- (it has a transaction id by then; the check above is the one that counts).
                   WHEN pg_current_xact_id_if_assigned() IS NOT NULL THEN true
                   -- Its turn in the key's queue. Then the UPDATE finds the row free, or waits
                   -- for its one holder (a batch, a move, an expiry, a caller's transaction), with
                   -- no other one-line request waiting on it.
                   ELSE pg_advisory_xact_lock((v_queue >> 32)::integer,
                                              (v_queue & 2147483647)::integer) IS NOT NULL
               END
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
