-- Flash-sale mode's statement for a batch of one-line requests over several keys (see Combiner and
-- PostgresInventory.placeBatch; a batch for a single key is one plain statement in Sql.placeBatch).
--
-- Why a function: a batch must lock its stock rows in key order, as a cart does, or a batch and a
-- cart can deadlock. One UPDATE over several rows locks them in whatever order its plan reads them
-- (on a small table, a sequential scan's), and SQL has no way to fix that order. The loop below
-- locks them one by one, in the order given (the library passes Java's key order), each with the
-- same conditional UPDATE as everywhere else, in one round trip and one transaction.
--
-- Per key, all of its requests or none: a key whose total does not fit is left untouched and
-- returned; every other key's requests get their reservation, line and log row (log rows in arrival
-- order, each with the level as it stood after it). An id already taken fails the whole call, and
-- nothing is written. Purchase: p_held 0, p_sold 1; reserve: the other way round.
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
    p_expires_micros bigint[])
RETURNS TABLE (refused_sku text, refused_location text)
LANGUAGE plpgsql
-- The library's schema as Flyway set it for this migration, whatever the caller's search_path.
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
           AND s.on_hand - s.reserved >= p_key_totals[k]
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
               r.quantity, r.hash, r.expires_micros, r.ord,
               key_on_hand[r.k] AS on_hand, key_reserved[r.k] AS reserved,
               p_key_totals[r.k] - sum(r.quantity) OVER (PARTITION BY r.k ORDER BY r.ord)
                   AS still_to_come
          FROM unnest(p_ids, p_key_of, p_quantities, p_hashes, p_expires_micros)
               WITH ORDINALITY AS r(id, k, quantity, hash, expires_micros, ord)
         WHERE key_on_hand[r.k] IS NOT NULL
    ), held AS (
        INSERT INTO reservation (id, status, created_at, expires_at, updated_at, request_hash)
        SELECT g.id, p_status, p_now,
               timestamptz 'epoch' + g.expires_micros * interval '1 microsecond', p_now, g.hash
          FROM granted g
    ), line AS (
        INSERT INTO reservation_line (reservation_id, sku, location, quantity)
        SELECT g.id, g.key_sku, g.key_location, g.quantity
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
