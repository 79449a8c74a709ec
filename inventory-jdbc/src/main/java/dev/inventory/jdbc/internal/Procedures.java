package dev.inventory.jdbc.internal;

import dev.inventory.internal.Events;
import java.time.Duration;

/**
 * The procedures of the reservation lifecycle on one schema, with the statements they run: built
 * once per store and shared by its inventory and by every inventory bound to a caller's
 * transaction. Thread-safe: they hold only rendered statements and settings.
 */
final class Procedures {
  final PlacementSql placements;
  final Placement placement;
  final ReservationSql reservations;
  final BuyerSql buyers;
  final Moves moves;
  final StockChanges stockChanges;
  final Expiry expiry;
  final KnownKeys knownKeys;

  Procedures(String schema, Duration defaultTtl, boolean knownKeysOnly, Events events) {
    SqlText text = new SqlText(schema);
    StockSql stock = new StockSql(text);
    this.buyers = new BuyerSql(text);
    this.reservations = new ReservationSql(text, stock, buyers);
    this.placements = new PlacementSql(text);
    this.expiry = new Expiry(new ExpirySql(text));
    this.knownKeys = new KnownKeys(knownKeysOnly);
    LazyExpiry lazyExpiry = new LazyExpiry(expiry, events, knownKeys);
    this.placement = new Placement(placements, stock, reservations, lazyExpiry, defaultTtl);
    this.moves = new Moves(reservations, stock, buyers, expiry, lazyExpiry);
    this.stockChanges = new StockChanges(stock, lazyExpiry);
  }
}
