package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.timestamp;

import dev.inventory.jdbc.SellerDay;
import dev.inventory.jdbc.SellerGross;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;

/**
 * The daily movement report's statements: a day rebuilt from the log (per key and kind, and per
 * seller), and days read or exported as CSV. Each statement's text, binding and row mapping; no
 * decision. Thread-safe: it holds only text.
 */
final class MovementSql {
  private final SqlText text;
  private final String summarizeDay;
  private final String summarizeSellers;
  private final String summarizeGross;
  private final String sellerDays;
  private final String sellerGross;

  MovementSql(SqlText text) {
    this.text = text;
    this.summarizeDay = summarizeDay();
    this.summarizeSellers = summarizeSellers();
    this.summarizeGross = summarizeGross();
    this.sellerDays = sellerDays();
    this.sellerGross = sellerGross();
  }

  private String render(String sql) {
    return text.render(sql);
  }

  /**
   * Rebuilds one day's rows from the log, {@code daily_movement} and then {@code
   * daily_seller_movement} from it, and {@code daily_seller_gross}; returns the log entries read.
   * Part of a transaction's work (the tables must change together): it lifts the statement timeout
   * for the transaction, since a day of a large log takes longer than a checkout's timeout.
   */
  Session.Work<Long> summarizeDay(LocalDate day) {
    return h -> {
      long rowsRead =
          h.createQuery(summarizeDay)
              .bind("day", day)
              .bind("dayStart", timestamp(PgValues.startOfUtcDay(day)))
              .bind("dayEnd", timestamp(PgValues.startOfUtcDay(day.plusDays(1))))
              .map((rs, ctx) -> rs.getLong("rows_read"))
              .one();
      h.createUpdate(summarizeSellers).bind("day", day).execute();
      h.createUpdate(summarizeGross)
          .bind("day", day)
          .bind("dayStart", timestamp(PgValues.startOfUtcDay(day)))
          .bind("dayEnd", timestamp(PgValues.startOfUtcDay(day.plusDays(1))))
          .execute();
      return rowsRead;
    };
  }

  /**
   * The seller rows of a range of days, ordered by day and seller; {@code seller} null for every
   * seller.
   */
  Session.Work<List<SellerDay>> sellerDays(
      LocalDate firstDay, LocalDate lastDay, @Nullable String seller) {
    return h ->
        h.createQuery(sellerDays)
            .bind("first", firstDay)
            .bind("last", lastDay)
            .bind("seller", seller)
            .map(
                (rs, ctx) ->
                    new SellerDay(
                        rs.getObject("day", LocalDate.class),
                        rs.getString("seller"),
                        rs.getLong("sold"),
                        rs.getLong("reserved"),
                        rs.getLong("released"),
                        rs.getLong("expired"),
                        rs.getLong("received"),
                        rs.getLong("adjusted"),
                        rs.getLong("entries")))
            .list();
  }

  /**
   * Streams the rows of the days as CSV with a header into {@code out}; the rows written. A
   * transaction's work, without the statement timeout, like {@link #summarizeDay}.
   */
  Session.Work<Long> exportCsv(LocalDate firstDay, LocalDate lastDay, Writer out) {
    return copyOut(exportCsv(firstDay, lastDay), "daily_movement", out);
  }

  /**
   * The gross rows of a range of days, ordered by day, seller and currency; {@code seller} null for
   * every seller.
   */
  Session.Work<List<SellerGross>> sellerGross(
      LocalDate firstDay, LocalDate lastDay, @Nullable String seller) {
    return h ->
        h.createQuery(sellerGross)
            .bind("first", firstDay)
            .bind("last", lastDay)
            .bind("seller", seller)
            .map(
                (rs, ctx) ->
                    new SellerGross(
                        rs.getObject("day", LocalDate.class),
                        rs.getString("seller"),
                        rs.getString("currency"),
                        rs.getLong("units"),
                        rs.getLong("amount_minor")))
            .list();
  }

  /**
   * Streams the gross rows of the days as CSV with a header into {@code out}; the rows written.
   * Like {@link #exportCsv(LocalDate, LocalDate, Writer)}.
   */
  Session.Work<Long> exportGrossCsv(
      LocalDate firstDay, LocalDate lastDay, @Nullable String seller, Writer out) {
    return h -> {
      String copy =
          copySellerRows(
              h,
              "day, seller, currency, units, amount_minor",
              "daily_seller_gross",
              firstDay,
              lastDay,
              seller,
              "day, seller, currency");
      return copyOut(copy, "daily_seller_gross", out).run(h);
    };
  }

  /**
   * Streams the seller rows of the days as CSV with a header into {@code out}; the rows written.
   * Like {@link #exportCsv(LocalDate, LocalDate, Writer)}.
   */
  Session.Work<Long> exportSellerCsv(
      LocalDate firstDay, LocalDate lastDay, @Nullable String seller, Writer out) {
    return h -> {
      String copy =
          copySellerRows(
              h,
              "day, seller, sold, reserved, released, expired, received, adjusted, entries",
              "daily_seller_movement",
              firstDay,
              lastDay,
              seller,
              "day, seller");
      return copyOut(copy, "daily_seller_movement", out).run(h);
    };
  }

  private static Session.Work<Long> copyOut(String copy, String table, Writer out) {
    return h -> {
      try {
        long rows = h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyOut(copy, out);
        out.flush();
        return rows;
      } catch (SQLException e) {
        throw SqlErrors.sqlFailure("COPY of " + table + " failed", e);
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the " + table + " CSV", e);
      }
    };
  }

  /**
   * Rebuilds one UTC day of {@code daily_movement} from the log, in one statement (so in one
   * transaction): upserts the day's sums and deletes the day's rows that the log no longer yields.
   * Running it twice gives the same rows; an unchanged row is not even rewritten. Rows are upserted
   * in key order, so two runs of one day cannot deadlock on them. Returns one row, {@code
   * rows_read}: the log entries summarized. The upsert and the delete need not be referenced by the
   * final SELECT: PostgreSQL runs every data-modifying CTE to completion.
   *
   * <p>Kinds of movement: RECEIVE is received; CONFIRM is sold; RESERVE is reserved; RELEASE is
   * released; EXPIRE is expired; ADJUST and SET are adjusted; AMEND is reserved when it grows a
   * hold and released when it shrinks one.
   */
  private String summarizeDay() {
    return render(
        """
        WITH fresh AS (
            SELECT sku, location,
                   CASE kind
                       WHEN 'RECEIVE' THEN 'received'
                       WHEN 'CONFIRM' THEN 'sold'
                       WHEN 'RESERVE' THEN 'reserved'
                       WHEN 'RELEASE' THEN 'released'
                       WHEN 'EXPIRE' THEN 'expired'
                       WHEN 'AMEND' THEN
                           CASE WHEN reserved_delta > 0 THEN 'reserved' ELSE 'released' END
                       ELSE 'adjusted'
                   END AS movement,
                   sum(on_hand_delta)::bigint AS on_hand_delta,
                   sum(reserved_delta)::bigint AS reserved_delta,
                   count(*) AS entries
              FROM ${schema}.inventory_log
             WHERE at >= :dayStart AND at < :dayEnd
             GROUP BY 1, 2, 3
        ), upserted AS (
            INSERT INTO ${schema}.daily_movement AS d
                   (day, sku, location, kind, on_hand_delta, reserved_delta, entries)
            SELECT :day, sku, location, movement, on_hand_delta, reserved_delta, entries
              FROM fresh
             ORDER BY sku, location, movement
            ON CONFLICT (day, sku, location, kind) DO UPDATE
               SET on_hand_delta = EXCLUDED.on_hand_delta,
                   reserved_delta = EXCLUDED.reserved_delta,
                   entries = EXCLUDED.entries
             WHERE (d.on_hand_delta, d.reserved_delta, d.entries)
                   IS DISTINCT FROM (EXCLUDED.on_hand_delta, EXCLUDED.reserved_delta,
                                     EXCLUDED.entries)
        ), removed AS (
            DELETE FROM ${schema}.daily_movement d
             WHERE d.day = :day
               AND NOT EXISTS (
                   SELECT 1 FROM fresh f
                    WHERE f.sku = d.sku AND f.location = d.location AND f.movement = d.kind)
        )
        SELECT coalesce((SELECT sum(entries) FROM fresh), 0)::bigint AS rows_read
        """);
  }

  /**
   * Rebuilds one UTC day of {@code daily_seller_movement} from the day's {@code daily_movement}
   * rows, which the same transaction has just rebuilt from the log: so the two tables always
   * describe the same entries. A SKU's seller is the catalog's now; a SKU the catalog does not know
   * goes under the seller {@code ''}, which no item can have. Units, not deltas: sold is the
   * on-hand taken by sales; reserved, released and expired the units held, given back and run out;
   * received the units received; adjusted the net on-hand change of adjustments and counts. Upserts
   * the day's rows (an unchanged row is not rewritten) and deletes the day's rows of sellers with
   * no movement any more.
   */
  private String summarizeSellers() {
    return render(
        """
        WITH fresh AS (
            SELECT coalesce(i.seller, '') AS seller,
                   coalesce(sum(-d.on_hand_delta) FILTER (WHERE d.kind = 'sold'), 0) AS sold,
                   coalesce(sum(d.reserved_delta) FILTER (WHERE d.kind = 'reserved'), 0)
                       AS reserved,
                   coalesce(sum(-d.reserved_delta) FILTER (WHERE d.kind = 'released'), 0)
                       AS released,
                   coalesce(sum(-d.reserved_delta) FILTER (WHERE d.kind = 'expired'), 0)
                       AS expired,
                   coalesce(sum(d.on_hand_delta) FILTER (WHERE d.kind = 'received'), 0)
                       AS received,
                   coalesce(sum(d.on_hand_delta) FILTER (WHERE d.kind = 'adjusted'), 0)
                       AS adjusted,
                   sum(d.entries) AS entries
              FROM ${schema}.daily_movement d
              LEFT JOIN ${schema}.item i ON i.sku = d.sku
             WHERE d.day = :day
             GROUP BY 1
        ), upserted AS (
            INSERT INTO ${schema}.daily_seller_movement AS s
                   (day, seller, sold, reserved, released, expired, received, adjusted, entries)
            SELECT :day, seller, sold, reserved, released, expired, received, adjusted, entries
              FROM fresh
             ORDER BY seller
            ON CONFLICT (day, seller) DO UPDATE
               SET sold = EXCLUDED.sold, reserved = EXCLUDED.reserved,
                   released = EXCLUDED.released, expired = EXCLUDED.expired,
                   received = EXCLUDED.received, adjusted = EXCLUDED.adjusted,
                   entries = EXCLUDED.entries
             WHERE (s.sold, s.reserved, s.released, s.expired, s.received, s.adjusted, s.entries)
                   IS DISTINCT FROM
                   (EXCLUDED.sold, EXCLUDED.reserved, EXCLUDED.released, EXCLUDED.expired,
                    EXCLUDED.received, EXCLUDED.adjusted, EXCLUDED.entries)
        )
        DELETE FROM ${schema}.daily_seller_movement s
         WHERE s.day = :day
           AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.seller = s.seller)
        """);
  }

  /**
   * Rebuilds one UTC day of {@code daily_seller_gross} from the day's sales in the log: each
   * CONFIRM entry (a sold line, purchases included) joined with its reservation line's unit price
   * (V7), summed per seller (as {@link #summarizeSellers()} attributes them) and currency. Lines
   * sold without a price are left out: their units count in {@code sold}, their amount is unknown.
   * The multiplication and the sums are exact: PostgreSQL fails the day (out of range) rather than
   * wrap. Upserts the day's rows and deletes the day's rows no sale yields any more.
   */
  private String summarizeGross() {
    return render(
        """
        WITH fresh AS (
            SELECT coalesce(i.seller, '') AS seller, l.currency,
                   sum(-g.on_hand_delta)::bigint AS units,
                   sum(-g.on_hand_delta * l.unit_price_minor)::bigint AS amount_minor
              FROM ${schema}.inventory_log g
              JOIN ${schema}.reservation_line l
                ON l.reservation_id = g.reservation_id
               AND l.sku = g.sku AND l.location = g.location
              LEFT JOIN ${schema}.item i ON i.sku = g.sku
             WHERE g.at >= :dayStart AND g.at < :dayEnd
               AND g.kind = 'CONFIRM'
               AND l.unit_price_minor IS NOT NULL
             GROUP BY 1, 2
        ), upserted AS (
            INSERT INTO ${schema}.daily_seller_gross AS s
                   (day, seller, currency, units, amount_minor)
            SELECT :day, seller, currency, units, amount_minor
              FROM fresh
             ORDER BY seller, currency
            ON CONFLICT (day, seller, currency) DO UPDATE
               SET units = EXCLUDED.units, amount_minor = EXCLUDED.amount_minor
             WHERE (s.units, s.amount_minor)
                   IS DISTINCT FROM (EXCLUDED.units, EXCLUDED.amount_minor)
        )
        DELETE FROM ${schema}.daily_seller_gross s
         WHERE s.day = :day
           AND NOT EXISTS (
               SELECT 1 FROM fresh f WHERE f.seller = s.seller AND f.currency = s.currency)
        """);
  }

  /** The gross rows of a range of days; {@code :seller} NULL for every seller. */
  private String sellerGross() {
    return render(
        """
        SELECT day, seller, currency, units, amount_minor
          FROM ${schema}.daily_seller_gross
         WHERE day BETWEEN :first AND :last
           AND (CAST(:seller AS text) IS NULL OR seller = :seller)
         ORDER BY day, seller, currency
        """);
  }

  /** The seller rows of a range of days; {@code :seller} NULL for every seller. */
  private String sellerDays() {
    return render(
        """
        SELECT day, seller, sold, reserved, released, expired, received, adjusted, entries
          FROM ${schema}.daily_seller_movement
         WHERE day BETWEEN :first AND :last
           AND (CAST(:seller AS text) IS NULL OR seller = :seller)
         ORDER BY day, seller
        """);
  }

  private static String escapeLiteral(Tx h, String text) {
    try {
      return h.getConnection().unwrap(PGConnection.class).escapeLiteral(text);
    } catch (SQLException e) {
      throw SqlErrors.sqlFailure("escaping a seller for COPY failed", e);
    }
  }

  /**
   * A seller table's rows of a range of days as CSV with a header, for {@code COPY ... TO STDOUT}.
   * COPY takes no parameters: the dates are inlined as {@link #exportCsv(LocalDate, LocalDate)}
   * does, and the seller, which is a caller's text, as a literal escaped by the driver for this
   * connection's settings ({@code standard_conforming_strings}), without a round trip. The columns,
   * table and order are this class's constants.
   */
  private String copySellerRows(
      Tx h,
      String columns,
      String table,
      LocalDate firstDay,
      LocalDate lastDay,
      @Nullable String seller,
      String orderBy) {
    String sellerCondition =
        seller == null ? "" : " AND seller = " + "'" + escapeLiteral(h, seller) + "'";
    // The seller is appended after rendering, so that no text of a caller is ever taken for a
    // placeholder.
    return render(
            "COPY (SELECT "
                + columns
                + " FROM ${schema}."
                + table
                + " WHERE day BETWEEN DATE '"
                + firstDay
                + "' AND DATE '"
                + lastDay
                + "'")
        + sellerCondition
        + " ORDER BY "
        + orderBy
        + ") TO STDOUT WITH (FORMAT csv, HEADER)";
  }

  /**
   * The movement rows of a range of days as CSV with a header, for {@code COPY ... TO STDOUT}. COPY
   * takes no parameters, so the dates are inlined: they are {@link LocalDate}s checked to lie in
   * years 1 to 9999, printed as {@code yyyy-MM-dd}, never text from a caller.
   */
  String exportCsv(LocalDate firstDay, LocalDate lastDay) {
    return render(
        "COPY (SELECT day, sku, location, kind, on_hand_delta, reserved_delta, entries"
            + " FROM ${schema}.daily_movement"
            + " WHERE day BETWEEN DATE '"
            + firstDay
            + "' AND DATE '"
            + lastDay
            + "' ORDER BY day, sku, location, kind)"
            + " TO STDOUT WITH (FORMAT csv, HEADER)");
  }
}
