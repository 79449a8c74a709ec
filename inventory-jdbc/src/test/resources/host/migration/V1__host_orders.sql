-- A host application's own migration, to prove the library's Flyway coexists with it.
CREATE TABLE orders (id bigint PRIMARY KEY, reservation_id text NOT NULL);
