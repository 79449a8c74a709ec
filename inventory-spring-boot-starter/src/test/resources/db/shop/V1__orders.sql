-- The shop's own table, in the shop's schema: its orders refer to the inventory's reservations,
-- so the library's migrations must have run first.
CREATE TABLE orders (
    id      text PRIMARY KEY,
    cart_id text NOT NULL REFERENCES ${inventory}.reservation (id)
);
