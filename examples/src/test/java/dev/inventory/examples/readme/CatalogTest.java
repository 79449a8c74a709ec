package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.UnknownKeysException;
import dev.inventory.catalog.Catalog;
import dev.inventory.catalog.Item;
import dev.inventory.catalog.ItemQuery;
import dev.inventory.catalog.Location;
import dev.inventory.catalog.Page;
import dev.inventory.catalog.UpsertResult;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.JdbcTenants;
import dev.inventory.jdbc.Tenant;
import dev.inventory.memory.InMemoryInventory;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's sections on the catalog, known-keys mode and tenants, run as written on a PostgreSQL
 * database of their own (and the in-memory inventory, where the README says so).
 */
@DisplayName("README: the catalog, known keys and tenants")
class CatalogTest {
  private static final String ACME_ROLE = "acme_app_" + ProcessHandle.current().pid();
  private static ReadmeDatabase db;
  private static HikariDataSource dataSource;
  private static HikariDataSource acmeDataSource;

  @BeforeAll
  static void createDatabase() {
    db = ReadmeDatabase.create(CatalogTest.class);
    dataSource = db.pool(6);
    db.admin(
        "DROP ROLE IF EXISTS " + ACME_ROLE,
        "CREATE ROLE " + ACME_ROLE + " LOGIN PASSWORD 'acme-password' NOSUPERUSER");
  }

  @AfterAll
  static void dropDatabase() {
    dataSource.close();
    if (acmeDataSource != null) {
      acmeDataSource.close();
    }
    db.close();
    db.admin("DROP ROLE IF EXISTS " + ACME_ROLE);
  }

  @Test
  @DisplayName("the catalog: locations and items created, listed page by page, loaded from a file")
  void catalog() {
    JdbcInventoryStore store = JdbcInventory.builder(dataSource).schema("shop").buildStore();

    // tag::catalog-create[]
    Catalog catalog = store.catalog();
    catalog.createLocation(Location.of("hub-7", "Hub 7, Bengaluru"));
    catalog.createItem(Item.of("SKU-1", "acme", "seller-3", "Blue mug").withPerBuyerLimit(2L));
    catalog.createItem(Item.of("SKU-2", "acme", "seller-4", "Red mug"));

    Item mug = catalog.getItem("SKU-1"); // or findItem: Optional, empty if unknown
    catalog.updateItem(mug.withName("Blue mug, 300 ml"));
    catalog.deactivateItem("SKU-2"); // never deleted: its stock and history stay
    // end::catalog-create[]

    // tag::catalog-list[]
    ItemQuery query = ItemQuery.all().withTenant("acme").withActive(true).withPageSize(100);
    List<Item> items = new ArrayList<>();
    String cursor = null; // null: the first page
    do {
      Page<Item> page = catalog.items(query, cursor);
      items.addAll(page.entries()); // in SKU order
      cursor = page.nextCursor(); // null after the last page
    } while (cursor != null);
    // end::catalog-list[]

    assertThat(items)
        .containsExactly(new Item("SKU-1", "acme", "seller-3", "Blue mug, 300 ml", true, 2L));

    // tag::catalog-upsert[]
    List<Item> file =
        List.of(
            Item.of("SKU-1", "acme", "seller-3", "Blue mug, 300 ml").withPerBuyerLimit(2L),
            Item.of("SKU-2", "acme", "seller-4", "Red mug"), // active again
            Item.of("SKU-3", "acme", "seller-4", "Green mug"));
    UpsertResult loaded = catalog.upsertItems(file); // one transaction
    // loaded: UpsertResult[created=1, updated=1, unchanged=1]
    // end::catalog-upsert[]

    assertThat(loaded).hasToString("UpsertResult[created=1, updated=1, unchanged=1]");
  }

  @Test
  @DisplayName("known-keys mode: a key the catalog does not know is refused, naming it")
  void knownKeys() {
    DataSource dataSource = CatalogTest.dataSource;
    // tag::known-keys-build[]
    JdbcInventoryStore store =
        JdbcInventory.builder(dataSource)
            .schema("known")
            .knownKeysOnly(true) // lays the schema's guard: foreign keys to the catalog
            .buildStore();
    store.catalog().createLocation(Location.of("hub-7", "Hub 7"));
    store.catalog().createItem(Item.of("SKU-1", "acme", "seller-3", "Blue mug"));
    Inventory inventory = store.inventory();
    inventory.receive(StockKey.of("SKU-1", "hub-7"), 10, "delivery");

    String answer;
    try {
      inventory.reserve(
          ReservationRequest.builder("cart-7")
              .line(StockKey.of("SKU-1", "hub-7"), 1)
              .line(StockKey.of("SKU-404", "hub-7"), 1)
              .build());
      answer = "held";
    } catch (UnknownKeysException e) {
      // Nothing was held. e.keys(): [SKU-404@hub-7]; e.unknownSkus(): [SKU-404]
      answer = "not sold here: " + e.unknownSkus();
    }
    // answer: not sold here: [SKU-404]
    // end::known-keys-build[]

    assertThat(answer).isEqualTo("not sold here: [SKU-404]");
    assertThat(inventory.level(StockKey.of("SKU-1", "hub-7")))
        .isEqualTo(new StockLevel(StockKey.of("SKU-1", "hub-7"), 10, 0));
  }

  @Test
  @DisplayName("tenants: created at run time with a role each, listed, and served as their role")
  void tenants() {
    DataSource ownerDataSource = dataSource;
    String acmeRole = ACME_ROLE;
    acmeDataSource = acmePool();
    // tag::tenants-create[]
    JdbcTenants tenants = JdbcTenants.builder(ownerDataSource).build(); // as the schemas' owner
    // acmeRole: an existing role (CREATE ROLE acme_app LOGIN PASSWORD ...), granted the schema
    Tenant acme = tenants.create("acme", acmeRole); // schema tenant_acme, migrated
    List<Tenant> all = tenants.list();

    // The tenant's inventory, on a pool that logs in as its role:
    JdbcInventoryStore store = tenants.inventoryBuilder("acme", acmeDataSource).buildStore();
    // end::tenants-create[]

    assertThat(acme.schema()).isEqualTo("tenant_acme");
    assertThat(all).extracting(Tenant::name).containsExactly("acme");
    store.inventory().receive(StockKey.of("SKU-1"), 3, null);
    assertThat(store.inventory().level(StockKey.of("SKU-1")).onHand()).isEqualTo(3);
  }

  /** A pool as the README's role of the tenant (this test's role, which is granted it). */
  private static HikariDataSource acmePool() {
    HikariConfig config = new HikariConfig();
    // The URL may name a user (the embedded server's does), which PgJDBC prefers to the pool's.
    config.setJdbcUrl(withoutUser(db.jdbcUrl()));
    config.setUsername(ACME_ROLE);
    config.setPassword("acme-password");
    config.setMaximumPoolSize(2);
    return new HikariDataSource(config);
  }

  @Test
  @DisplayName("the in-memory inventory has the same catalog and known-keys mode")
  void inMemory() {
    // tag::testing-catalog[]
    InMemoryInventory inventory = InMemoryInventory.builder().knownKeysOnly(true).build();
    inventory.catalog().createLocation(Location.of("default", "Warehouse"));
    inventory.catalog().createItem(Item.of("SKU-1", "acme", "seller-3", "Blue mug"));

    inventory.receive(StockKey.of("SKU-1"), 5, null); // known: received
    // inventory.receive(StockKey.of("SKU-9"), 5, null) throws UnknownKeysException
    // end::testing-catalog[]

    assertThat(inventory.level(StockKey.of("SKU-1")).onHand()).isEqualTo(5);
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> inventory.receive(StockKey.of("SKU-9"), 5, null)))
        .isInstanceOf(UnknownKeysException.class);
  }

  /** The URL without its user and password parameters, if it has any. */
  private static String withoutUser(String url) {
    int query = url.indexOf('?');
    if (query < 0) {
      return url;
    }
    String kept =
        java.util.Arrays.stream(url.substring(query + 1).split("&"))
            .filter(p -> !p.startsWith("user=") && !p.startsWith("password=") && !p.isEmpty())
            .collect(java.util.stream.Collectors.joining("&"));
    return url.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept);
  }
}
