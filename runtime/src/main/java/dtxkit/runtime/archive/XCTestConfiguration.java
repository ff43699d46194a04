package dtxkit.runtime.archive;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An archived {@code XCTestConfiguration}: what testmanagerd hands the test runner (the test bundle, the session,
 * the target application, the tests to run or skip, and some forty switches). Kept whole as its fields, in archive
 * order, so a configuration read from a device archives back unchanged.
 *
 * <p>Build one for a session with {@link #builder(NSURL, UUID)}, which starts from the defaults Xcode sends:
 *
 * <pre>{@code
 * XCTestConfiguration config = XCTestConfiguration.builder(
 *         NSURL.of("file:///private/var/containers/Bundle/Application/.../Runner.app/PlugIns/UITests.xctest"),
 *         UUID.randomUUID())
 *     .productModuleName("UITests")
 *     .targetApplicationBundleId("com.example.app")
 *     .build();
 * }</pre>
 */
public final class XCTestConfiguration extends AbstractArchivedObject {
  /** The chain an instance built in Java is archived with. */
  public static final List<String> CLASS_CHAIN = List.of("XCTestConfiguration", "NSObject");

  /**
   * The non-boolean fields Xcode archives inline ({@code encodeInteger:}); every boolean is inline too. The numbers
   * not listed ({@code formatVersion}, {@code defaultTestExecutionTimeAllowance}, ...) are NSNumber objects.
   */
  static final Set<String> INLINE_NUMBERS = Set.of(
      "userAttachmentLifetime", "systemAttachmentLifetime", "testExecutionOrdering", "preferredScreenCaptureFormat");

  /**
   * @param classChain the {@code $classes} chain, most derived first
   * @param fields field values by key
   * @param inlineKeys the keys archived inline
   */
  public XCTestConfiguration(List<String> classChain, Map<String, ?> fields, Set<String> inlineKeys) {
    super(classChain, fields, inlineKeys);
  }

  /**
   * A builder with Xcode's defaults for every field, the given bundle and session.
   *
   * @param testBundleUrl {@code testBundleURL}, the {@code .xctest} bundle on the device
   * @param sessionIdentifier {@code sessionIdentifier}, the id the IDE and runner share
   */
  public static Builder builder(NSURL testBundleUrl, UUID sessionIdentifier) {
    return new Builder()
        .set("testBundleURL", Objects.requireNonNull(testBundleUrl, "testBundleUrl"))
        .set("sessionIdentifier", Objects.requireNonNull(sessionIdentifier, "sessionIdentifier"));
  }

  /** {@code testBundleURL}. */
  public NSURL testBundleUrl() {
    return get("testBundleURL", NSURL.class);
  }

  /** {@code sessionIdentifier}. */
  public UUID sessionIdentifier() {
    return get("sessionIdentifier", UUID.class);
  }

  /** {@code productModuleName}. */
  public String productModuleName() {
    return get("productModuleName", String.class);
  }

  /** {@code targetApplicationBundleID}. */
  public String targetApplicationBundleId() {
    return get("targetApplicationBundleID", String.class);
  }

  /** {@code targetApplicationPath}. */
  public String targetApplicationPath() {
    return get("targetApplicationPath", String.class);
  }

  /** {@code automationFrameworkPath}. */
  public String automationFrameworkPath() {
    return get("automationFrameworkPath", String.class);
  }

  /** {@code IDECapabilities}. */
  public XCTCapabilities ideCapabilities() {
    return get("IDECapabilities", XCTCapabilities.class);
  }

  /** {@code formatVersion}. */
  public Number formatVersion() {
    return get("formatVersion", Number.class);
  }

  /** The boolean field {@code key} (e.g. {@code initializeForUITesting}), or null when absent. */
  public Boolean flag(String key) {
    return get(key, Boolean.class);
  }

  /** Collects the fields of an {@link XCTestConfiguration}, starting from Xcode's defaults. */
  public static final class Builder {
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private final Set<String> inline = new LinkedHashSet<>();

    private Builder() {
      Map<String, Object> records = new LinkedHashMap<>();
      records.put("XCSuiteRecordsKey", new LinkedHashMap<>());
      set("aggregateStatisticsBeforeCrash", records);
      set("automationFrameworkPath", "/Developer/Library/PrivateFrameworks/XCTAutomationSupport.framework");
      set("baselineFileRelativePath", null);
      set("baselineFileURL", null);
      set("defaultTestExecutionTimeAllowance", null);
      set("disablePerformanceMetrics", false);
      set("emitOSLogs", false);
      set("formatVersion", 2);
      set("gatherLocalizableStringsData", false);
      set("initializeForUITesting", true);
      set("maximumTestExecutionTimeAllowance", null);
      set("productModuleName", null);
      set("randomExecutionOrderingSeed", null);
      set("reportActivities", true);
      set("reportResultsToIDE", true);
      set("systemAttachmentLifetime", 2);
      set("targetApplicationArguments", List.of());
      set("targetApplicationBundleID", null);
      set("targetApplicationEnvironment", Map.of());
      // testmanagerd refuses an empty targetApplicationPath even for tests without a target application.
      set("targetApplicationPath", "/dtxkit-no-target-application");
      set("testApplicationDependencies", Map.of());
      set("testApplicationUserOverrides", null);
      set("testBundleRelativePath", null);
      set("testExecutionOrdering", 0);
      set("testTimeoutsEnabled", false);
      set("testsDrivenByIDE", false);
      set("testsMustRunOnMainThread", true);
      set("testsToRun", null);
      set("testIdentifiersToRun", null);
      set("testsToSkip", null);
      set("testIdentifiersToSkip", null);
      set("treatMissingBaselinesAsFailures", false);
      set("userAttachmentLifetime", 0);
      set("preferredScreenCaptureFormat", 2);
      set("IDECapabilities", defaultIdeCapabilities());
    }

    /**
     * The capabilities announced in {@code IDECapabilities}, each at version 1: the ones the research notes on
     * testmanagerd name plus {@code skipped test capability} seen in a recorded configuration. Xcode sends about ten;
     * add others with {@link #ideCapabilities(XCTCapabilities)}.
     */
    static XCTCapabilities defaultIdeCapabilities() {
      Map<String, Object> caps = new LinkedHashMap<>();
      for (String name : List.of(
          "expected failure test capability",
          "test timeout capability",
          "delayed attachment transfer",
          "skipped test capability",
          "daemon container sandbox extension",
          "ubiquitous test identifiers",
          "XCTIssue capability")) {
        caps.put(name, 1);
      }
      return new XCTCapabilities(caps);
    }

    /**
     * Sets field {@code key}; Booleans and the integer fields Xcode writes with {@code encodeInteger:} are archived
     * inline, everything else by reference (null as {@code $null}).
     */
    public Builder set(String key, Object value) {
      fields.put(key, value);
      if (value instanceof Boolean || (value instanceof Number && INLINE_NUMBERS.contains(key))) {
        inline.add(key);
      } else {
        inline.remove(key);
      }
      return this;
    }

    /** {@code productModuleName}: the test bundle's module. */
    public Builder productModuleName(String value) {
      return set("productModuleName", value);
    }

    /** {@code targetApplicationBundleID}: the app under test, for UI tests. */
    public Builder targetApplicationBundleId(String value) {
      return set("targetApplicationBundleID", value);
    }

    /** {@code targetApplicationPath}: the app under test's path on the device. */
    public Builder targetApplicationPath(String value) {
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException("testmanagerd requires a non-empty targetApplicationPath");
      }
      return set("targetApplicationPath", value);
    }

    /** {@code targetApplicationArguments}. */
    public Builder targetApplicationArguments(List<String> value) {
      return set("targetApplicationArguments", List.copyOf(value));
    }

    /** {@code targetApplicationEnvironment}. */
    public Builder targetApplicationEnvironment(Map<String, String> value) {
      return set("targetApplicationEnvironment", new LinkedHashMap<>(value));
    }

    /** {@code testsToRun}: test names ({@code Class/method}) as an NSSet, or null for all. */
    public Builder testsToRun(Set<String> value) {
      return set("testsToRun", value == null ? null : new LinkedHashSet<>(value));
    }

    /** {@code testsToSkip}: test names ({@code Class/method}) as an NSSet, or null for none. */
    public Builder testsToSkip(Set<String> value) {
      return set("testsToSkip", value == null ? null : new LinkedHashSet<>(value));
    }

    /** {@code testIdentifiersToRun} (iOS 17 and later). */
    public Builder testIdentifiersToRun(XCTTestIdentifierSet value) {
      return set("testIdentifiersToRun", value);
    }

    /** {@code testIdentifiersToSkip} (iOS 17 and later). */
    public Builder testIdentifiersToSkip(XCTTestIdentifierSet value) {
      return set("testIdentifiersToSkip", value);
    }

    /** {@code initializeForUITesting}. */
    public Builder initializeForUiTesting(boolean value) {
      return set("initializeForUITesting", value);
    }

    /** {@code IDECapabilities}. */
    public Builder ideCapabilities(XCTCapabilities value) {
      return set("IDECapabilities", value);
    }

    /** The configuration, archived with {@link #CLASS_CHAIN}. */
    public XCTestConfiguration build() {
      return new XCTestConfiguration(CLASS_CHAIN, fields, inline);
    }
  }
}
