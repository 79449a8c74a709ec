-- The buyer of an order is kept by the inventory library from now on, with the sale itself (its
-- reservation's buyer, written by the statement that takes the stock, which also applies the
-- SKU's per-buyer limit). The table orders is no longer written: it stays, read only, for the
-- orders taken before, whose buyer is nowhere else (the library's reservations of that time have
-- none, and the service never writes into the library's tables).
--
-- Not dropped, and not guarded by a trigger: during a rolling upgrade an instance of the previous
-- version may still take orders without a buyer in the library and write their buyer here; those
-- rows must be kept and read like the older ones.
COMMENT ON TABLE orders IS
    'Read only since V2: the buyers of orders taken before the inventory library kept buyers';
