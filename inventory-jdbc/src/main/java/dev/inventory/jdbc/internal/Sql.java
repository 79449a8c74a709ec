package dev.inventory.jdbc.internal;

/**
 * Every SQL statement of the PostgreSQL implementation, in one place.
 *
 * <p>{@code ${schema}} is replaced once, at construction, by the library's schema: a name checked
 * to be a plain SQL identifier, so the replacement cannot inject anything. Parameters are bound by
 * name ({@code :name}).
 *
 * <p>Two rules keep every write safe without {@code SELECT ... FOR UPDATE}:
 *
 * <ul>
 *   <li>Stock changes are conditional UPDATEs. The row lock and the check are one step: a
 *       concurrent writer waits for the lock, then PostgreSQL re-evaluates the WHERE clause against
 *       the newest version of the row (READ COMMITTED's EvalPlanQual), so two carts can never both
 *       take the last unit. The CHECK constraint on stock_level backs this up.
 *   <li>A statement that may touch several stock rows touches one (a transaction runs them in key
 *       order), or locks them one by one in key order (V3's {@code inventory_place_batch}), because
 *       PostgreSQL does not promise the order in which one UPDATE locks the rows of a join; a fixed
 *       order is what keeps crossed carts from deadlocking.
 * </ul>
 */
final class Sql {
  private final String schema;

  Sql(String schema) {
    this.schema = schema;
  }

  private String render(String sql) {
    return sql.replace("${dueOnKey}", DUE_ON_KEY)
        .replace("${dueByKey}", DUE_BY_KEY)
        .replace("${schema}", schema);
  }

  /*
   * Units kept by holds already past their expiry (which count as available). Both fragments start
   * from the due holds (the partial index on held reservations), fenced with MATERIALIZED: left to
   * itself, the planner may start from the key instead and read every line ever sold on it, which
   * on a hot SKU is millions of rows. Due holds are few while a sweeper runs.
   */

  /** Due units on {@code :sku}/{@code :location}. */
  private static final String DUE_ON_KEY =
      """
      (WITH due_ids AS MATERIALIZED (
               SELECT id FROM ${schema}.reservation WHERE status = 'HELD' AND expires_at <= :now)
           SELECT coalesce(sum(l.quantity), 0)
             FROM due_ids d
             JOIN ${schema}.reservation_line l ON l.reservation_id = d.id
            WHERE l.sku = :sku AND l.location = :location)""";

  /** A CTE body: due units per key of the CTE {@code keys}. */
  private static final String DUE_BY_KEY =
      """
      WITH due_ids AS MATERIALIZED (
               SELECT id FROM ${schema}.reservation WHERE status = 'HELD' AND expires_at <= :now)
           SELECT l.sku, l.location, sum(l.quantity) AS quantity
             FROM due_ids d
             JOIN ${schema}.reservation_line l ON l.reservation_id = d.id
             JOIN keys k ON k.sku = l.sku AND k.location = l.location
            GROUP BY l.sku, l.location""";

  /**
   * Reserves (or purchases) a one-line request in one statement: the stock, the reservation, its
   * line and the log row. Safe in autocommit: if the stock is short, the UPDATE matches no row and
   * nothing else is inserted; if the id exists, the INSERT's unique violation undoes the UPDATE.
   * Reserve: onHandDelta 0, reservedDelta +q. Purchase: onHandDelta -q, reservedDelta 0.
   */
  String reserveOneLine() {
    return render(
        """
        WITH taken AS (
            UPDATE ${schema}.stock_level
               SET on_hand = on_hand + :onHandDelta,
                   reserved = reserved + :reservedDelta,
                   updated_at = :now
             WHERE sku = :sku AND location = :location
               -- The whole safety argument: see the class comment.
               AND on_hand - reserved >= :quantity
            RETURNING on_hand, reserved
        ), held AS (
            INSERT INTO ${schema}.reservation
                   (id, status, created_at, expires_at, updated_at, request_hash)
            SELECT :id, :status, :now, :expiresAt, :now, :hash
              FROM taken
            RETURNING id
        ), line AS (
            INSERT INTO ${schema}.reservation_line (reservation_id, sku, location, quantity)
            SELECT id, :sku, :location, :quantity
              FROM held
        ), logged AS (
            INSERT INTO ${schema}.inventory_log
                   (at, sku, location, kind, on_hand_delta, reserved_delta,
                    on_hand_after, reserved_after, reservation_id)
            SELECT :now, :sku, :location, :kind, :onHandDelta, :reservedDelta,
                   on_hand, reserved, :id
              FROM taken
        )
        SELECT true AS placed, NULL::bigint AS available, NULL::bigint AS due,
               NULL::boolean AS id_taken
          FROM taken
        UNION ALL
        -- Refused (nothing above wrote a row): what was free, what due holds keep, whether the id
        -- is taken, so that a refusal needs no second round trip. Evaluated only when refused.
        SELECT false,
               coalesce((SELECT on_hand - reserved FROM ${schema}.stock_level
                          WHERE sku = :sku AND location = :location), 0),
               ${dueOnKey},
               EXISTS (SELECT 1 FROM ${schema}.reservation WHERE id = :id)
         WHERE NOT EXISTS (SELECT 1 FROM taken)
        """);
  }

  /**
   * Grants a batch of one-line requests for the same key in one statement (flash-sale mode, see
   * {@link Combiner}): one conditional UPDATE of the batch's total, and every request's
   * reservation, line and log row. All of the batch or none: if the total does not fit (or an id is
   * taken, which fails the whole statement), nothing is written and the statement answers what was
   * free, so that the caller can send again the requests that fit it (see
   * PostgresInventory#placeBatch). Log rows follow arrival order, each with the level as it stood
   * after it. Purchase: {@code :sold} 1, {@code :held} 0; reserve: the other way round.
   */
  String placeBatch() {
    return render(
        """
        WITH req AS (
            SELECT *
              FROM unnest(:ids, :quantities, :hashes, :expiresMicros)
                   WITH ORDINALITY AS r(id, quantity, hash, expires_micros, ord)
        ), taken AS (
            UPDATE ${schema}.stock_level
               SET on_hand = on_hand - :sold * :total,
                   reserved = reserved + :held * :total,
                   updated_at = :now
             WHERE sku = :sku AND location = :location
               -- The whole safety argument again, for the batch's total: see the class comment.
               AND on_hand - reserved >= :total
            RETURNING on_hand, reserved
        ), held AS (
            INSERT INTO ${schema}.reservation
                   (id, status, created_at, expires_at, updated_at, request_hash)
            SELECT r.id, :status, :now,
                   timestamptz 'epoch' + r.expires_micros * interval '1 microsecond',
                   :now, r.hash
              FROM req r, taken
        ), line AS (
            INSERT INTO ${schema}.reservation_line (reservation_id, sku, location, quantity)
            SELECT r.id, :sku, :location, r.quantity
              FROM req r, taken
        ), logged AS (
            INSERT INTO ${schema}.inventory_log
                   (at, sku, location, kind, on_hand_delta, reserved_delta,
                    on_hand_after, reserved_after, reservation_id)
            SELECT :now, :sku, :location, :kind, -:sold * r.quantity, :held * r.quantity,
                   t.on_hand + :sold * (:total - sum(r.quantity) OVER arrival),
                   t.reserved - :held * (:total - sum(r.quantity) OVER arrival),
                   r.id
              FROM req r, taken t
            WINDOW arrival AS (ORDER BY r.ord)
             ORDER BY r.ord
        )
        SELECT true AS placed, NULL::bigint AS available, NULL::bigint AS due,
               NULL::text[] AS taken_ids
          FROM taken
        UNION ALL
        -- Refused: what was free, what due holds keep, which ids are taken; evaluated only then.
        SELECT false,
               coalesce((SELECT on_hand - reserved FROM ${schema}.stock_level
                          WHERE sku = :sku AND location = :location), 0),
               ${dueOnKey},
               ARRAY(SELECT r.id FROM req r
                      WHERE EXISTS (SELECT 1 FROM ${schema}.reservation x WHERE x.id = r.id))
         WHERE NOT EXISTS (SELECT 1 FROM taken)
        """);
  }

  /**
   * Grants a batch of one-line requests over several keys (flash-sale mode), through the function
   * of migration V3, which locks the keys' rows one by one in the order given (key order, as a cart
   * locks them: a single UPDATE over several rows cannot promise an order). Returns the keys whose
   * total did not fit; nothing was written for those. Arrays: the keys with their totals, then the
   * requests in arrival order with the index (1-based) of each one's key.
   */
  String placeBatchOfKeys() {
    return render(
        """
        SELECT refused_sku, refused_location
          FROM ${schema}.inventory_place_batch(:status, :kind, :held, :sold, :now,
                                     :keySkus, :keyLocations, :keyTotals,
                                     :ids, :keyOf, :quantities, :hashes, :expiresMicros)
        """);
  }

  /** Inserts a reservation and its lines; the first step of a multi-line reserve or purchase. */
  String insertReservation() {
    return render(
        """
        WITH held AS (
            INSERT INTO ${schema}.reservation
                   (id, status, created_at, expires_at, updated_at, request_hash)
            VALUES (:id, :status, :now, :expiresAt, :now, :hash)
            RETURNING id
        )
        INSERT INTO ${schema}.reservation_line (reservation_id, sku, location, quantity)
        SELECT held.id, l.sku, l.location, l.quantity
          FROM held,
               unnest(:skus, :locations, :quantities) AS l(sku, location, quantity)
        """);
  }

  /**
   * Changes one stock row and logs it, if at least {@code :required} units are unreserved (0 when
   * the change cannot oversell: a confirm, release or expiry only gives back). Run as a JDBC batch
   * in key order; an update count of 0 means the key was short (or was never stocked).
   */
  String changeStock() {
    return render(
        """
        WITH changed AS (
            UPDATE ${schema}.stock_level
               SET on_hand = on_hand + :onHandDelta,
                   reserved = reserved + :reservedDelta,
                   updated_at = :now
             WHERE sku = :sku AND location = :location
               AND on_hand - reserved >= :required
            RETURNING on_hand, reserved
        )
        INSERT INTO ${schema}.inventory_log
               (at, sku, location, kind, on_hand_delta, reserved_delta,
                on_hand_after, reserved_after, reservation_id, reason)
        SELECT :now, :sku, :location, :kind, :onHandDelta, :reservedDelta,
               on_hand, reserved, :reservationId, :reason
          FROM changed
        """);
  }

  /** {@link #changeStock()} for a single call that needs the level it left behind. */
  String changeStockReturningLevel() {
    return changeStock().stripTrailing() + "\nRETURNING on_hand_after, reserved_after\n";
  }

  /** Adds to on-hand, creating the key at 0 reserved if it was never stocked. */
  String addOnHand() {
    return render(
        """
        WITH changed AS (
            INSERT INTO ${schema}.stock_level AS s (sku, location, on_hand, reserved, updated_at)
            VALUES (:sku, :location, :delta, 0, :now)
            ON CONFLICT (sku, location) DO UPDATE
               SET on_hand = s.on_hand + EXCLUDED.on_hand,
                   updated_at = EXCLUDED.updated_at
            RETURNING on_hand, reserved
        )
        INSERT INTO ${schema}.inventory_log
               (at, sku, location, kind, on_hand_delta, reserved_delta,
                on_hand_after, reserved_after, reason)
        SELECT :now, :sku, :location, :kind, :delta, 0, on_hand, reserved, :reason
          FROM changed
        RETURNING on_hand_after, reserved_after
        """);
  }

  /**
   * Sets on-hand to a counted figure. The log needs the difference, and PostgreSQL 15 cannot return
   * a row's old value from an UPDATE, so this is a compare-and-set: it applies only if on-hand is
   * still what this statement's snapshot saw (re-checked against the newest row under its lock). No
   * row back means: reserved is above the figure, or someone changed on-hand meanwhile (try again).
   */
  String setOnHand() {
    return render(
        """
        WITH seen AS (
            SELECT on_hand FROM ${schema}.stock_level WHERE sku = :sku AND location = :location
        ), changed AS (
            INSERT INTO ${schema}.stock_level AS s (sku, location, on_hand, reserved, updated_at)
            VALUES (:sku, :location, :onHand, 0, :now)
            ON CONFLICT (sku, location) DO UPDATE
               SET on_hand = EXCLUDED.on_hand,
                   updated_at = EXCLUDED.updated_at
             WHERE s.reserved <= EXCLUDED.on_hand
               AND s.on_hand IS NOT DISTINCT FROM (SELECT on_hand FROM seen)
            RETURNING on_hand, reserved
        )
        INSERT INTO ${schema}.inventory_log
               (at, sku, location, kind, on_hand_delta, reserved_delta,
                on_hand_after, reserved_after, reason)
        SELECT :now, :sku, :location, 'SET',
               on_hand - coalesce((SELECT on_hand FROM seen), 0), 0, on_hand, reserved, :reason
          FROM changed
        RETURNING on_hand_after, reserved_after
        """);
  }

  /**
   * Moves a reservation out of HELD, only if it is still held and not yet due: of confirm, release
   * and expiry exactly one matches, the others wait for its row lock and then see its status. No
   * row back: nothing moved.
   */
  String moveHeld() {
    return render(
        """
        UPDATE ${schema}.reservation
           SET status = :target, updated_at = :now
         WHERE id = :id AND status = 'HELD' AND expires_at > :now
        RETURNING created_at, expires_at
        """);
  }

  /**
   * Confirms or releases a held reservation of one line in one statement: the move, the stock and
   * the log row. Its line is read from this statement's snapshot, which could predate an amend that
   * committed while the UPDATE waited for the reservation's row lock; so the move applies only if
   * the row is still the version the snapshot saw (same xmin, re-checked under the lock) and has
   * exactly one line, which also keeps it to one stock row (no lock-order question). No row back:
   * the caller takes the general path. Confirm: {@code :sold} 1; release: 0.
   */
  String moveOneLine() {
    return render(
        """
        WITH moved AS (
            UPDATE ${schema}.reservation r
               SET status = :target, updated_at = :now
             WHERE r.id = :id AND r.status = 'HELD' AND r.expires_at > :now
               AND r.xmin = (SELECT s.xmin FROM ${schema}.reservation s WHERE s.id = :id)
               AND (SELECT count(*) FROM ${schema}.reservation_line WHERE reservation_id = :id) = 1
            RETURNING r.id, r.created_at, r.expires_at
        ), line AS (
            SELECT l.sku, l.location, l.quantity
              FROM ${schema}.reservation_line l
              JOIN moved ON l.reservation_id = moved.id
        ), changed AS (
            UPDATE ${schema}.stock_level s
               SET on_hand = s.on_hand - :sold * line.quantity,
                   reserved = s.reserved - line.quantity,
                   updated_at = :now
              FROM line
             WHERE s.sku = line.sku AND s.location = line.location
            RETURNING s.sku, s.location, s.on_hand, s.reserved, line.quantity
        ), logged AS (
            INSERT INTO ${schema}.inventory_log
                   (at, sku, location, kind, on_hand_delta, reserved_delta,
                    on_hand_after, reserved_after, reservation_id)
            SELECT :now, sku, location, :kind, -:sold * quantity, -quantity,
                   on_hand, reserved, :id
              FROM changed
        )
        SELECT moved.created_at, moved.expires_at, changed.sku, changed.location, changed.quantity
          FROM moved
          LEFT JOIN changed ON true
        """);
  }

  /**
   * Locks a held, not yet due reservation by touching it; the first step of amend. No row back: it
   * is not held, or due, or unknown.
   */
  String touchHeld() {
    return render(
        """
        UPDATE ${schema}.reservation
           SET updated_at = :now
         WHERE id = :id AND status = 'HELD' AND expires_at > :now
        RETURNING created_at, expires_at
        """);
  }

  /** Sets a held, not yet due reservation's expiry. No row back: not held, due, or unknown. */
  String extendHeld() {
    return render(
        """
        UPDATE ${schema}.reservation
           SET expires_at = :expiresAt, updated_at = :now
         WHERE id = :id AND status = 'HELD' AND expires_at > :now
        RETURNING created_at, expires_at
        """);
  }

  /**
   * The lines of reservations this transaction has just locked. A statement of its own on purpose:
   * a statement reads from the snapshot it started with, so lines read by the statement that took
   * the lock could predate an amend that committed while it waited for that lock. Once the lock is
   * held, no one else can change the lines (every change of lines locks the reservation first).
   */
  String linesOf() {
    return render(
        """
        SELECT reservation_id, sku, location, quantity
          FROM ${schema}.reservation_line
         WHERE reservation_id = ANY(:ids)
        """);
  }

  /** Expires one hold if it is due: the write half of the lazy expiry. Returns its id. */
  String expireIfDue() {
    return render(
        """
        UPDATE ${schema}.reservation
           SET status = 'EXPIRED', updated_at = :now
         WHERE id = :id AND status = 'HELD' AND expires_at <= :now
        RETURNING id
        """);
  }

  /**
   * Claims due holds for expiry and marks them expired. SKIP LOCKED lets several sweepers (or a
   * sweeper and a lazy expiry) run at once: each hold is claimed by one, and a hold that a confirm
   * or release has locked is left to it. Returns the claimed ids.
   */
  String expireDue() {
    return render(
        """
        WITH due AS (
            SELECT id
              FROM ${schema}.reservation
             WHERE status = 'HELD' AND expires_at <= :now
             -- Ties in id order as Java orders ids, never by the database's collation (which
             -- may say "a" < "B"): with a limit, that decides which holds expire, and every
             -- implementation must pick the same ones. "C" compares code points, which is
             -- String.compareTo's order but for surrogate pairs against U+E000..U+FFFF.
             ORDER BY expires_at, id COLLATE "C"
             LIMIT :limit
               FOR UPDATE SKIP LOCKED
        )
        UPDATE ${schema}.reservation r
           SET status = 'EXPIRED', updated_at = :now
          FROM due
         WHERE r.id = due.id
        RETURNING r.id
        """);
  }

  /** {@link #expireDue()} for the due holds with a line on one of these keys. */
  String expireDueOnKeys() {
    return render(
        """
        WITH due AS (
            SELECT r.id
              FROM ${schema}.reservation r
             WHERE r.status = 'HELD' AND r.expires_at <= :now
               AND EXISTS (
                   SELECT 1
                     FROM ${schema}.reservation_line l
                     JOIN unnest(:skus, :locations) AS k(sku, location)
                       ON k.sku = l.sku AND k.location = l.location
                    WHERE l.reservation_id = r.id)
             ORDER BY r.expires_at, r.id
               FOR UPDATE SKIP LOCKED
        )
        UPDATE ${schema}.reservation r
           SET status = 'EXPIRED', updated_at = :now
          FROM due
         WHERE r.id = due.id
        RETURNING r.id
        """);
  }

  /** Makes a locked reservation's lines exactly these. */
  String replaceLines() {
    return render(
        """
        WITH wanted AS (
            SELECT * FROM unnest(:skus, :locations, :quantities) AS w(sku, location, quantity)
        ), dropped AS (
            DELETE FROM ${schema}.reservation_line l
             WHERE l.reservation_id = :id
               AND NOT EXISTS (
                   SELECT 1 FROM wanted w WHERE w.sku = l.sku AND w.location = l.location)
        )
        INSERT INTO ${schema}.reservation_line (reservation_id, sku, location, quantity)
        SELECT :id, sku, location, quantity FROM wanted
        ON CONFLICT (reservation_id, sku, location) DO UPDATE SET quantity = EXCLUDED.quantity
        """);
  }

  /** A reservation with its lines, in key order; no rows if unknown. */
  String findReservation() {
    return render(
        """
        SELECT r.status, r.created_at, r.expires_at, r.request_hash,
               l.sku, l.location, l.quantity
          FROM ${schema}.reservation r
          JOIN ${schema}.reservation_line l ON l.reservation_id = r.id
         WHERE r.id = :id
         ORDER BY l.sku, l.location
        """);
  }

  /**
   * Levels of the keys asked for, in one snapshot. Holds past their expiry that no one has expired
   * yet count as available, so a reader sees the stock as it effectively is.
   */
  String levels() {
    return render(
        """
        WITH keys AS (
            SELECT DISTINCT sku, location FROM unnest(:skus, :locations) AS k(sku, location)
        ), due AS (
            ${dueByKey}
        )
        SELECT k.sku, k.location,
               coalesce(s.on_hand, 0) AS on_hand,
               coalesce(s.reserved, 0) - coalesce(due.quantity, 0) AS reserved
          FROM keys k
          LEFT JOIN ${schema}.stock_level s ON s.sku = k.sku AND s.location = k.location
          LEFT JOIN due ON due.sku = k.sku AND due.location = k.location
        """);
  }

  /**
   * After a short attempt: what is free on each key, how much of it is only held by due holds
   * (which a lazy expiry would free), and whether the reservation id is already taken.
   */
  String shortageProbe() {
    return render(
        """
        WITH keys AS (
            SELECT * FROM unnest(:skus, :locations) AS k(sku, location)
        ), due AS (
            ${dueByKey}
        )
        SELECT k.sku, k.location,
               coalesce(s.on_hand, 0) AS on_hand,
               coalesce(s.on_hand - s.reserved, 0) AS available,
               coalesce(due.quantity, 0) AS due,
               EXISTS (SELECT 1 FROM ${schema}.reservation WHERE id = :id) AS id_taken
          FROM keys k
          LEFT JOIN ${schema}.stock_level s ON s.sku = k.sku AND s.location = k.location
          LEFT JOIN due ON due.sku = k.sku AND due.location = k.location
        """);
  }
}
