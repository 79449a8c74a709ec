package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.timestamp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.SQLException;
import java.time.LocalDate;
import org.postgresql.PGConnection;

/**
 * The daily movement report's statements: a day rebuilt from the log, and days exported as CSV.
 * Each statement's text, binding and row mapping; no decision. Thread-safe: it holds only text.
 */
final class MovementSql {
  private final SqlText text;
  private final String summarizeDay;

  MovementSql(SqlText text) {
    this.text = text;
    this.summarizeDay = summarizeDay();
  }

  private String render(String sql) {
    return text.render(sql);
  }

  /**
   * Rebuilds one day's rows from the log; returns the log entries read. A transaction's work: it
   * lifts the statement timeout for the transaction, since a day of a large log takes longer than a
   * checkout's timeout.
   */
  Session.Work<Long> summarizeDay(LocalDate day) {
    return h ->
        liftingTimeout(h)
            .createQuery(summarizeDay)
            .bind("day", day)
            .bind("dayStart", timestamp(PgValues.startOfUtcDay(day)))
            .bind("dayEnd", timestamp(PgValues.startOfUtcDay(day.plusDays(1))))
            .map((rs, ctx) -> rs.getLong("rows_read"))
            .one();
  }

  private static Tx liftingTimeout(Tx h) {
    Db.liftStatementTimeout(h);
    return h;
  }

  /**
   * Streams the rows of the days as CSV with a header into {@code out}; the rows written. A
   * transaction's work, without the statement timeout, like {@link #summarizeDay}.
   */
  Session.Work<Long> exportCsv(LocalDate firstDay, LocalDate lastDay, Writer out) {
    return h -> {
      try {
        long rows =
            liftingTimeout(h)
                .getConnection()
                .unwrap(PGConnection.class)
                .getCopyAPI()
                .copyOut(exportCsv(firstDay, lastDay), out);
        out.flush();
        return rows;
      } catch (SQLException e) {
        throw SqlErrors.sqlFailure("COPY of daily_movement failed", e);
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the movement CSV", e);
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
