package dev.inventory.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What the sections of one run share: the checked options, where the text and the cells go, the
 * database, and the approaches that were set up (an approach whose server did not answer is not
 * among them).
 *
 * @param admin the pool the examples' database opened: set-up, sampling, reading back
 * @param runTag makes the run's reservation ids unique
 * @param backends the approaches set up for this run, by name, in {@link Approaches#ALL}'s order
 */
record Run(
    Plan plan,
    Report report,
    Results results,
    HikariDataSource admin,
    BenchPools pools,
    BenchSchemas schemas,
    Workload.Keys keys,
    CellRunner runner,
    String runTag,
    Map<String, Backend> backends) {

  /** The timed approaches of this run, in the order of {@code --approach}. */
  List<String> approaches() {
    List<String> names = new ArrayList<>();
    for (String name : plan.approaches()) {
      if (backends.containsKey(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /** The approaches of the correctness table, in the registry's order. */
  List<String> correctnessApproaches() {
    List<String> names = new ArrayList<>();
    for (String name : Approaches.inCorrectness(plan.approaches())) {
      if (backends.containsKey(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /** These approaches, each opened on this pool of {@code poolSize} connections. */
  Map<String, Approach> open(List<String> names, DataSource pool, int poolSize) throws Exception {
    Map<String, Approach> opened = new LinkedHashMap<>();
    try {
      for (String name : names) {
        opened.put(name, backends.get(name).open(pool, poolSize));
      }
    } catch (Exception e) {
      closeAll(opened);
      throw e;
    }
    return opened;
  }

  static void closeAll(Map<String, Approach> approaches) throws Exception {
    Exception first = null;
    for (Approach a : approaches.values()) {
      try {
        a.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
