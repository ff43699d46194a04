package dtxkit.services.xctest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What to run: an installed runner bundle ({@code *.xctrunner}), the app under test, the runner's environment and
 * arguments, the tests to run or skip, and how long to wait for what.
 *
 * <pre>{@code
 * XcTestRequest request = XcTestRequest.builder("com.example.UITests.xctrunner")
 *     .targetApp("com.example.app")
 *     .test("UITests.LoginTests/testLogin")
 *     .environment("LANG", "en_US")
 *     .build();
 * }</pre>
 *
 * @param runnerBundleId the runner app's bundle identifier
 * @param targetBundleId the app under test, or null (unit tests, WebDriverAgent)
 * @param testBundleName the {@code .xctest} plug-in in the runner's {@code PlugIns}, or null to derive it from the
 *     runner's executable ({@code UITests-Runner} → {@code UITests.xctest})
 * @param environment extra environment of the runner process (over the XCTest variables)
 * @param arguments extra arguments of the runner process
 * @param targetEnvironment the app under test's environment ({@code targetApplicationEnvironment})
 * @param targetArguments the app under test's arguments ({@code targetApplicationArguments})
 * @param testsToRun {@code Class} or {@code Class/method} names to run, empty for all
 * @param testsToSkip names to skip
 * @param listener called with each event in arrival order (on a connection's delivery thread; keep it short), or null
 * @param runnerTimeout how long the runner may take to connect after its launch
 * @param maxQueuedEvents how many events {@link XcTestRun#poll} buffers before dropping (counted)
 * @param maxRecordedCases how many cases and failures the summary lists (its counts stay exact)
 */
public record XcTestRequest(String runnerBundleId, String targetBundleId, String testBundleName,
    Map<String, String> environment, List<String> arguments, Map<String, String> targetEnvironment,
    List<String> targetArguments, List<String> testsToRun, List<String> testsToSkip,
    Consumer<? super XcTestEvent> listener, Duration runnerTimeout, int maxQueuedEvents, int maxRecordedCases) {

  /** Default {@link #runnerTimeout()}: what Xcode and pymobiledevice3 wait for the runner. */
  public static final Duration DEFAULT_RUNNER_TIMEOUT = Duration.ofSeconds(30);

  public XcTestRequest {
    Objects.requireNonNull(runnerBundleId, "runnerBundleId");
    environment = Map.copyOf(environment);
    arguments = List.copyOf(arguments);
    targetEnvironment = Map.copyOf(targetEnvironment);
    targetArguments = List.copyOf(targetArguments);
    testsToRun = List.copyOf(testsToRun);
    testsToSkip = List.copyOf(testsToSkip);
    Objects.requireNonNull(runnerTimeout, "runnerTimeout");
    if (runnerTimeout.isNegative() || runnerTimeout.isZero()) {
      throw new IllegalArgumentException("runnerTimeout must be positive: " + runnerTimeout);
    }
    if (maxQueuedEvents < 1 || maxRecordedCases < 1) {
      throw new IllegalArgumentException("maxQueuedEvents and maxRecordedCases must be positive");
    }
  }

  /** A builder for the runner {@code runnerBundleId}. */
  public static Builder builder(String runnerBundleId) {
    return new Builder(runnerBundleId);
  }

  /** Collects a request. */
  public static final class Builder {
    private final String runnerBundleId;
    private String targetBundleId;
    private String testBundleName;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> arguments = new ArrayList<>();
    private final Map<String, String> targetEnvironment = new LinkedHashMap<>();
    private final List<String> targetArguments = new ArrayList<>();
    private final List<String> testsToRun = new ArrayList<>();
    private final List<String> testsToSkip = new ArrayList<>();
    private Consumer<? super XcTestEvent> listener;
    private Duration runnerTimeout = DEFAULT_RUNNER_TIMEOUT;
    private int maxQueuedEvents = 10_000;
    private int maxRecordedCases = 100_000;

    private Builder(String runnerBundleId) {
      this.runnerBundleId = Objects.requireNonNull(runnerBundleId, "runnerBundleId");
    }

    /** The app under test. */
    public Builder targetApp(String bundleId) {
      this.targetBundleId = bundleId;
      return this;
    }

    /** The {@code .xctest} plug-in name, when it is not the runner's executable without {@code -Runner}. */
    public Builder testBundleName(String name) {
      this.testBundleName = name;
      return this;
    }

    /** An environment variable of the runner process. */
    public Builder environment(String key, String value) {
      environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** An argument of the runner process. */
    public Builder argument(String argument) {
      arguments.add(Objects.requireNonNull(argument, "argument"));
      return this;
    }

    /** An environment variable of the app under test. */
    public Builder targetEnvironment(String key, String value) {
      targetEnvironment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** An argument of the app under test. */
    public Builder targetArgument(String argument) {
      targetArguments.add(Objects.requireNonNull(argument, "argument"));
      return this;
    }

    /** Runs only these ({@code Class} or {@code Class/method}); may be called repeatedly. */
    public Builder test(String name) {
      testsToRun.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    /** Skips this test ({@code Class} or {@code Class/method}). */
    public Builder skip(String name) {
      testsToSkip.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    /** Receives each event as it arrives. */
    public Builder listener(Consumer<? super XcTestEvent> listener) {
      this.listener = listener;
      return this;
    }

    /** How long the runner may take to connect after its launch. */
    public Builder runnerTimeout(Duration timeout) {
      this.runnerTimeout = timeout;
      return this;
    }

    /** How many events {@link XcTestRun#poll} buffers. */
    public Builder maxQueuedEvents(int max) {
      this.maxQueuedEvents = max;
      return this;
    }

    /** How many cases and failures the summary lists. */
    public Builder maxRecordedCases(int max) {
      this.maxRecordedCases = max;
      return this;
    }

    /** The request. */
    public XcTestRequest build() {
      return new XcTestRequest(runnerBundleId, targetBundleId, testBundleName, environment, arguments,
          targetEnvironment, targetArguments, testsToRun, testsToSkip, listener, runnerTimeout, maxQueuedEvents,
          maxRecordedCases);
    }
  }
}
