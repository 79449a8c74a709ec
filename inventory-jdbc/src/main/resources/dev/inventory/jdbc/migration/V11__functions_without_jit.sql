-- Every function of the library runs without JIT compilation (SET jit = off), as if it were part of
-- its header. No function's body, arguments or answers change, and no table does.
--
-- Why: the functions that read reservations by id plan their statements once per session, for any
-- arguments (plan_cache_mode = force_generic_plan in their headers, since V5), and such a plan's
-- cost is an estimate made without the arguments. While reservation_line has statistics, the
-- estimate of `reservation_id = ANY (p_ids)` is a few rows, and all is well. Without them (after
-- pg_upgrade or a restore, until ANALYZE has run; or a table autovacuum has not analyzed yet),
-- PostgreSQL assumes a default share of the table; with millions of lines, the estimated cost of a
-- confirm's or a release's statements (inventory_move_reservations, and inventory_give_back, which
-- the expiry calls too) then passes jit_above_cost (100,000 by default), and PostgreSQL compiles
-- them with LLVM at every call, for statements that read a few rows. Measured through the library
-- on a local PostgreSQL 15, one thread, 7 million lines without statistics: a confirm took
-- 24.7-25.5 ms and a release 24.2-26.5 ms; with this migration 0.80-0.91 and 0.61-0.65 ms. With
-- statistics, both take 0.60-0.73 ms, with or without it. The statements of these functions touch a
-- few rows each, found through indexes: compiling them never pays, so this is not left to the
-- estimate.
--
-- Set on every function of the library, not only on those measured, so that none compiles at every
-- call when an estimate goes wrong; the library's tests check that each function in its schema has
-- it, so a function added later must say SET jit = off in its header. Named one by one rather than
-- found in the catalog: the library may share its schema with the host's own functions, which are
-- not ours to change.
--
-- An instance of an earlier version on this schema calls the same functions and gets the same
-- answers, without JIT too.
ALTER FUNCTION inventory_log_is_append_only() SET jit = off;
ALTER FUNCTION inventory_buyer_raced(text, text) SET jit = off;
ALTER FUNCTION inventory_known_keys_on() SET jit = off;
ALTER FUNCTION inventory_known_keys_off() SET jit = off;

-- Placing: one line (V10), batches of one-line requests (V6's and V7's), carts (V5's and V6's, V7's
-- with buyers and prices, V9's combined).
ALTER FUNCTION inventory_place_one_line(text, text, text, text, text, bigint, bigint, bigint, text,
                                        text, bigint, text, timestamptz, timestamptz) SET jit = off;
ALTER FUNCTION inventory_place_batch(text, text, bigint, bigint, timestamptz, text[], text[],
                                     bigint[], text[], integer[], bigint[], text[], bigint[])
    SET jit = off;
ALTER FUNCTION inventory_place_batch(text, text, bigint, bigint, timestamptz, text[], text[],
                                     text[], integer[], bigint[], text[], bigint[], text[],
                                     bigint[], text[])
    SET jit = off;
ALTER FUNCTION inventory_place_cart(text, text, text, bigint, bigint, timestamptz, timestamptz,
                                    text, text[], text[], bigint[]) SET jit = off;
ALTER FUNCTION inventory_place_cart_checked(text, text, text, bigint, bigint, timestamptz,
                                            timestamptz, text, text[], text[], bigint[])
    SET jit = off;
ALTER FUNCTION inventory_place_cart_checked(text, text, text, bigint, bigint, timestamptz,
                                            timestamptz, text, text[], text[], bigint[], text,
                                            bigint[], text[])
    SET jit = off;
ALTER FUNCTION inventory_place_carts(text, text, bigint, bigint, timestamptz, text[], text[],
                                     text[], text[], bigint[], integer[], integer[], bigint[],
                                     bigint[], text[])
    SET jit = off;

-- Moving: confirm and release (V5's and V7's), and the giving back they share with the expiry.
ALTER FUNCTION inventory_move(text[], text[], text[], bigint[], timestamptz) SET jit = off;
ALTER FUNCTION inventory_move_reservations(text[], text[], text[], bigint[], timestamptz)
    SET jit = off;
ALTER FUNCTION inventory_give_back(text[], text[], bigint[], timestamptz) SET jit = off;
