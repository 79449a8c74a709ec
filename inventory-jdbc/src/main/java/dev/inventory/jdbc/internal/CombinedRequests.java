package dev.inventory.jdbc.internal;

import dev.inventory.ReservationRequest;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.internal.Events;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a batch of the placements' {@link Combiner}: its one-line requests through {@link
 * CombinedPlacement} and its carts through {@link CombinedCarts}, one after the other on the
 * leader's thread (a batch is mostly one or the other). Their keys are disjoint from every other
 * statement in flight of the combiner, whichever part they are in.
 */
final class CombinedRequests implements Combiner.BatchRunner<ReservationRequest> {
  private final CombinedPlacement oneLine;
  private final CombinedCarts carts;
  private final Operation operation;
  private final Events events;

  CombinedRequests(
      CombinedPlacement oneLine, CombinedCarts carts, Operation operation, Events events) {
    this.oneLine = oneLine;
    this.carts = carts;
    this.operation = operation;
    this.events = events;
  }

  @Override
  public void run(List<Combiner.Ticket<ReservationRequest>> batch) {
    Combiner.tellSent(events, operation, batch);
    List<Combiner.Ticket<ReservationRequest>> oneLines = new ArrayList<>(batch.size());
    List<Combiner.Ticket<ReservationRequest>> cartTickets = new ArrayList<>();
    for (Combiner.Ticket<ReservationRequest> ticket : batch) {
      (ticket.request.lines().size() == 1 ? oneLines : cartTickets).add(ticket);
    }
    if (!oneLines.isEmpty()) {
      oneLine.run(oneLines);
    }
    if (!cartTickets.isEmpty()) {
      carts.run(cartTickets);
    }
  }
}
