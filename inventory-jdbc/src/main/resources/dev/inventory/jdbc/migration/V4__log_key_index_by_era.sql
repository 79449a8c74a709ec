-- The log's key index, led by the era of the entry's id: (id / 262144, sku, location, id).
--
-- Why: V1's index (sku, location, id) takes every new entry at its key's place, so on many keys
-- each append touches any page of an index that grows with the log (about 50 bytes per entry).
-- Once that index outgrew the server's buffer cache, every append read a page and later wrote one
-- back, and reserves on 100,000 keys ran 14-18 % slower at 10 M log entries than on an empty log
-- (128 MB shared_buffers). Led by the era, an append only ever touches the newest era's part of
-- the index, which stays the size of 262,144 entries (about 15 MB) however long the log gets:
-- the partitioning of a partitioned table, inside one index, with nothing to create ahead.
--
-- A key's entries are read era by era, newest first (history) or all of them (audit): one more
-- index descent per era, 39 at 10 M entries. The era width 262144 is also written in StockOpsSql
-- (LOG_ERA); queries match this index only if they divide by the same number.
--
-- Upgrading builds the new index in this migration's transaction: writes to the log wait for it
-- (about 6 s per 10 M entries on a 2-core machine). Dropping the old index then waits for running
-- reads of the log and holds new ones until the migration commits, a moment later.
CREATE INDEX inventory_log_by_era_and_key ON inventory_log ((id / 262144), sku, location, id);
DROP INDEX inventory_log_by_key;
