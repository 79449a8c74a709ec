package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import dev.inventory.InventoryContract;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Every implementation runs the same contract: the PostgreSQL variants and the in-memory ones
 * execute the same contract tests, one for one.
 *
 * <p>How it counts: counting discovered tests is not enough, because a parameterized test's
 * invocations only come into being when it runs. So each contract class is run here through the
 * JUnit Platform Launcher, with {@link SkipBodies} (registered by {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension}, enabled only for this inner run)
 * skipping every test body and every before/after method: JUnit still expands every {@code @Nested}
 * class and every parameterized invocation, but nothing touches a database, so all five classes
 * take a second or two. The tests that ran are compared by their unique ids without the class
 * segment ({@code [nested-class:Reserve]/[method:...]}, {@code .../[test-template-invocation:#3]}):
 * the same ids means the same tests, so the same number.
 *
 * <p>The contract classes are not listed by hand: every concrete subclass of {@link
 * InventoryContract} on the test class path (this module's and {@code inventory-core}'s test-jar)
 * is discovered, so a new variant is covered the day it is written.
 */
@DisplayName("every implementation runs the same contract tests")
class ContractCoverageTest {
  private static final String COUNT_ONLY = "inventory.contract.count-only";

  private static final String IN_MEMORY = "dev.inventory.memory.InMemoryInventoryContractTest";

  @Test
  @DisplayName("every contract class on the class path is found, the PostgreSQL and in-memory ones")
  void contractClassesAreDiscovered() {
    assertThat(contractClasses())
        .contains(
            IN_MEMORY,
            "dev.inventory.memory.SharedInMemoryInventoryContractTest",
            PostgresInventoryContractTest.class.getName(),
            CombiningOffContractTest.class.getName(),
            AutocommitOffPoolContractTest.class.getName(),
            RestrictedRoleContractTest.class.getName())
        .doesNotContain(InventoryContract.class.getName());
  }

  @Test
  @DisplayName("the PostgreSQL and in-memory contract classes execute the same tests")
  void sameContractTests() {
    Map<String, List<String>> executed = new TreeMap<>();
    for (String className : contractClasses()) {
      executed.put(className, executedTests(className));
    }

    List<String> inMemory = executed.get(IN_MEMORY);
    assertThat(inMemory).as("contract tests run against InMemoryInventory").hasSizeGreaterThan(250);
    executed.forEach(
        (className, tests) ->
            assertThat(tests).as("the tests of " + className).isEqualTo(inMemory));
  }

  /**
   * Every concrete subclass of {@link InventoryContract} in the {@code dev.inventory} packages of
   * the test class path, found by the JUnit Platform's own discovery (which reads directories and
   * jars alike), by name.
   */
  private static List<String> contractClasses() {
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectPackage("dev.inventory"))
            .filters(EngineFilter.includeEngines("junit-jupiter"))
            .build();
    TestPlan plan = LauncherFactory.create().discover(request);
    Set<String> found = new TreeSet<>();
    for (TestIdentifier root : plan.getRoots()) {
      for (TestIdentifier child : plan.getChildren(root)) {
        child
            .getSource()
            .filter(ClassSource.class::isInstance)
            .map(source -> ((ClassSource) source).getJavaClass())
            .filter(InventoryContract.class::isAssignableFrom)
            .filter(c -> !Modifier.isAbstract(c.getModifiers()))
            .ifPresent(c -> found.add(c.getName()));
      }
    }
    return List.copyOf(found);
  }

  /** The tests one contract class executes, as unique ids without the class, sorted. */
  private static List<String> executedTests(String className) {
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(className))
            .filters(EngineFilter.includeEngines("junit-jupiter"))
            .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
            .configurationParameter(
                "junit.jupiter.extensions.autodetection.include",
                ContractCoverageTest.class.getName() + "*")
            .configurationParameter(COUNT_ONLY, "true")
            .build();
    List<String> tests = Collections.synchronizedList(new ArrayList<>());
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    LauncherFactory.create()
        .execute(
            request,
            new TestExecutionListener() {
              @Override
              public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                  failures.add(identifier.getUniqueId() + ": " + result);
                } else if (identifier.isTest()) {
                  tests.add(withoutClass(identifier.getUniqueIdObject()));
                }
              }
            });
    assertThat(failures).as("the counting run of " + className).isEmpty();
    Collections.sort(tests);
    return tests;
  }

  /** {@code [engine:..]/[class:..]/[nested-class:A]/[method:m()]} without engine and class. */
  private static String withoutClass(UniqueId id) {
    StringBuilder relative = new StringBuilder();
    for (UniqueId.Segment segment : id.getSegments()) {
      if (!segment.getType().equals("engine") && !segment.getType().equals("class")) {
        relative.append('/').append(segment.getType()).append(':').append(segment.getValue());
      }
    }
    return relative.toString();
  }

  /**
   * Skips every test body and every before/after method, so that running a contract class only
   * enumerates its tests. Does nothing unless the run sets {@value #COUNT_ONLY}: it is found by
   * extension auto-detection, which only {@link ContractCoverageTest}'s own inner runs enable.
   */
  public static final class SkipBodies implements InvocationInterceptor {
    private static boolean countOnly(ExtensionContext context) {
      return context.getConfigurationParameter(COUNT_ONLY).map(Boolean::parseBoolean).orElse(false);
    }

    private static void skipOrProceed(Invocation<Void> invocation, ExtensionContext context)
        throws Throwable {
      if (countOnly(context)) {
        invocation.skip();
      } else {
        invocation.proceed();
      }
    }

    @Override
    public void interceptBeforeAllMethod(
        Invocation<Void> invocation,
        ReflectiveInvocationContext<Method> invocationContext,
        ExtensionContext extensionContext)
        throws Throwable {
      skipOrProceed(invocation, extensionContext);
    }

    @Override
    public void interceptBeforeEachMethod(
        Invocation<Void> invocation,
        ReflectiveInvocationContext<Method> invocationContext,
        ExtensionContext extensionContext)
        throws Throwable {
      skipOrProceed(invocation, extensionContext);
    }

    @Override
    public void interceptTestMethod(
        Invocation<Void> invocation,
        ReflectiveInvocationContext<Method> invocationContext,
        ExtensionContext extensionContext)
        throws Throwable {
      skipOrProceed(invocation, extensionContext);
    }

    @Override
    public void interceptTestTemplateMethod(
        Invocation<Void> invocation,
        ReflectiveInvocationContext<Method> invocationContext,
        ExtensionContext extensionContext)
        throws Throwable {
      skipOrProceed(invocation, extensionContext);
    }

    @Override
    public void interceptAfterEachMethod(
        Invocation<Void> invocation,
        ReflectiveInvocationContext<Method> invocationContext,
        ExtensionContext extensionContext)
        throws Throwable {
      skipOrProceed(invocation, extensionContext);
    }

    @Override
    public void interceptAfterAllMethod(
        Invocation<Void> invocation,
        ReflectiveInvocationContext<Method> invocationContext,
        ExtensionContext extensionContext)
        throws Throwable {
      skipOrProceed(invocation, extensionContext);
    }
  }
}
