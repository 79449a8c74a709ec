-- The catalog (locations and items), and what known-keys mode needs: two flags on each stock row,
-- the functions that switch the mode's guard on and off, and the placement functions taught to
-- refuse a key whose flags are off.
--
-- Plain columns, on purpose: an item's seller and per-buyer limit can be joined, by SKU, into the
-- very statement that changes the stock, with no cache and no second round trip.

-- COLLATE "C" on the codes: a listing pages in code-point order (Java's String.compareTo for every
-- code without characters beyond U+FFFF), and the primary key's index serves that order.
CREATE TABLE location (
    code   text COLLATE "C" PRIMARY KEY,
    name   text    NOT NULL,
    active boolean NOT NULL,
    -- What stock_level's foreign key refers to when the guard is on: a code with its flag.
    CONSTRAINT location_code_active UNIQUE (code, active)
);

CREATE TABLE item (
    sku             text COLLATE "C" PRIMARY KEY,
    tenant          text    NOT NULL,
    seller          text    NOT NULL,
    name            text    NOT NULL,
    active          boolean NOT NULL,
    -- NULL: no limit.
    per_buyer_limit bigint  CHECK (per_buyer_limit > 0),
    CONSTRAINT item_sku_active UNIQUE (sku, active)
);
-- Listings by tenant and by seller, in SKU order.
CREATE INDEX item_by_tenant ON item (tenant, sku);
CREATE INDEX item_by_seller ON item (seller, sku);

-- Whether the catalog has the row's SKU and its location active. True on every row unless the
-- guard is on: then the foreign keys below keep them equal to the catalog (ON UPDATE CASCADE), so
-- a statement that takes stock reads them from the very row it locks. Refusing a deactivated key
-- then costs no lookup, and cannot race a deactivation: the cascade waits for the row's lock, and
-- a writer that waited for the cascade's lock reads the flags of the row as the cascade left it.
-- (A constant default: added without rewriting the table.)
ALTER TABLE stock_level
    ADD COLUMN item_active     boolean NOT NULL DEFAULT true,
    ADD COLUMN location_active boolean NOT NULL DEFAULT true;

-- Switches known-keys mode's guard on, once per schema: foreign keys from stock_level's
-- (sku, item_active) to item's (sku, active), and (location, location_active) to location's
-- (code, active). From then on the database itself refuses a stock row of a SKU or location the
-- catalog does not know (the insert of a receipt, a count or a bulk load of a new key), and a change
-- that sets the flags of a deactivated key back to true (receipts and counts do, so that they are
-- refused there); and deactivating an item or a location turns its rows' flags off. A foreign key
-- is only checked when its columns change, so the hot path, which never changes them, pays nothing.
--
-- Answers the stocked keys the catalog does not know (at most 100) and then changes nothing: a
-- foreign key cannot be laid over rows that break it. Answers nothing when the guard is on, or was
-- already. Writers of stock wait while it runs (SHARE ROW EXCLUSIVE, which adding the foreign keys
-- takes anyway); a second caller waits here too, then finds the guard on.
CREATE FUNCTION inventory_known_keys_on()
RETURNS TABLE (unknown_sku text, unknown_location text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
    LOCK TABLE stock_level IN SHARE ROW EXCLUSIVE MODE;
    IF EXISTS (SELECT 1 FROM pg_constraint
                WHERE conrelid = 'stock_level'::regclass
                  AND conname = 'stock_level_known_item') THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT s.sku, s.location
          FROM stock_level s
         WHERE NOT EXISTS (SELECT 1 FROM item i WHERE i.sku = s.sku)
            OR NOT EXISTS (SELECT 1 FROM location l WHERE l.code = s.location)
         ORDER BY s.sku COLLATE "C", s.location COLLATE "C"
         LIMIT 100;
    IF FOUND THEN
        RETURN;
    END IF;
    UPDATE stock_level s SET item_active = i.active
      FROM item i
     WHERE i.sku = s.sku AND s.item_active IS DISTINCT FROM i.active;
    UPDATE stock_level s SET location_active = l.active
      FROM location l
     WHERE l.code = s.location AND s.location_active IS DISTINCT FROM l.active;
    ALTER TABLE stock_level
        ADD CONSTRAINT stock_level_known_item FOREIGN KEY (sku, item_active)
            REFERENCES item (sku, active) ON UPDATE CASCADE,
        ADD CONSTRAINT stock_level_known_location FOREIGN KEY (location, location_active)
            REFERENCES location (code, active) ON UPDATE CASCADE;
END;
$$;

-- Switches the guard off: drops the foreign keys and turns every flag back on, so that every key is
-- served again whatever the catalog says.
CREATE FUNCTION inventory_known_keys_off()
RETURNS void
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
    LOCK TABLE stock_level IN SHARE ROW EXCLUSIVE MODE;
    ALTER TABLE stock_level
        DROP CONSTRAINT IF EXISTS stock_level_known_item,
        DROP CONSTRAINT IF EXISTS stock_level_known_location;
    UPDATE stock_level SET item_active = true, location_active = true
     WHERE NOT (item_active AND location_active);
END;
$$;

-- V3's batch over several keys, with one more condition on its conditional UPDATE: a key whose
-- flags are off is refused like a key that is short (the caller sends its requests again on their
-- own, and their statement says why). Otherwise as V3 wrote it.
CREATE OR REPLACE FUNCTION inventory_place_batch(
    p_status        text,
    p_kind          text,
    p_held          bigint,
    p_sold          bigint,
    p_now           timestamptz,
    p_key_skus      text[],
    p_key_locations text[],
    p_key_totals    bigint[],
    p_ids           text[],
    p_key_of        integer[],
    p_quantities    bigint[],
    p_hashes        text[],
    p_expires_micros bigint[])
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

-- V5's cart in one round trip, answering for each line of a refused cart also whether the catalog
-- has its SKU and its location active (sku_known, location_known), so that known-keys mode names
-- the keys it refuses without another round trip. A line whose flags are off refuses the cart in
-- its first check, writing and locking nothing, like a short line; so does its conditional UPDATE
-- under the row's lock (SQLSTATE IV001). Otherwise as V5's inventory_place_cart, whose answer
-- cannot grow columns in place (a function keeps its result type), hence a function of its own.
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
    p_quantities  bigint[])
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

-- V5's cart function, kept for a library of an earlier version running on this schema: the same
-- cart, placed by the function above, so that it too refuses a key whose flags are off.
CREATE OR REPLACE FUNCTION inventory_place_cart(
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
LANGUAGE sql
SET search_path FROM CURRENT
AS $$
    SELECT c.short_sku, c.short_location, c.short_on_hand, c.short_available, c.short_due,
           c.id_taken
      FROM inventory_place_cart_checked(p_id, p_status, p_kind, p_held, p_sold, p_now,
                                        p_expires_at, p_hash, p_skus, p_locations,
                                        p_quantities) c
$$;
