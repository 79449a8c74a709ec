package dev.inventory.jdbc.internal;

import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.StockKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Flash-sale mode's memory of the keys of the holds this instance placed, so that their confirms
 * and releases can be scheduled like reserves: no key in two move statements at once. A hot SKU's
 * confirms then wait for the move statement in flight on it and go together in the next one (one
 * commit on its row for all of them), instead of two move statements taking its row lock one after
 * the other.
 *
 * <p>A hint only, never read to decide a write: the move statement reads the reservation's lines
 * itself. A hold placed by another instance, or one whose slot a later hold took, is merely
 * scheduled as a move whose keys are unknown (with no key held back); one amended since is
 * scheduled by the keys it was placed with, which at worst holds its move back behind a statement
 * on a key it no longer has. Bounded: a fixed table of slots by the id's hash, the newest hold in a
 * slot wins. Thread-safe, lock-free.
 */
final class HeldKeys {
  private static final int SLOTS = 1 << 16;

  private record Entry(String id, List<StockKey> keys) {}

  private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

  private static int slot(String id) {
    int h = id.hashCode();
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }

  /** Remembers the keys of a hold just placed. */
  void placed(Reservation hold) {
    slots.set(slot(hold.id()), new Entry(hold.id(), hold.lines().stream().map(Line::key).toList()));
  }

  /** The keys of the hold with this id, forgotten now (it is being moved); none if not known. */
  List<StockKey> moving(String id) {
    int slot = slot(id);
    Entry entry = slots.get(slot);
    if (entry == null || !entry.id().equals(id)) {
      return List.of();
    }
    slots.compareAndSet(slot, entry, null);
    return entry.keys();
  }
}
