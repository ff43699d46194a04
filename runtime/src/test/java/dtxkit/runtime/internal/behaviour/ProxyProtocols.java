package dtxkit.runtime.internal.behaviour;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.runtime.archive.XCTCapabilities;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Three {@code dtxproxy:} protocols shaped like XCTest's, for the proxy behaviour tests: the IDE exports
 * {@link Ide}, the daemon {@link Daemon}, the runner {@link Driver}.
 */
public final class ProxyProtocols {

  private ProxyProtocols() {}

  /** What the daemon and the runner call on the IDE; defaults so an implementation overrides what it needs. */
  @DtxService(value = "Test_IDEInterface", proxy = true)
  public interface Ide {
    @DtxMethod("_XCT_logDebugMessage:")
    default void logDebugMessage(String message) {}

    @DtxMethod("_XCT_testBundleReadyWithProtocolVersion:minimumVersion:")
    default void testBundleReady(int protocolVersion, int minimumVersion) {}

    /** Answered with an archived object, as testmanagerd's runner gets its configuration. */
    @DtxMethod("_XCT_testRunnerReadyWithCapabilities:")
    default Map<String, Object> testRunnerReady(XCTCapabilities capabilities) {
      return null;
    }

    @DtxMethod("_XCT_testCaseDidFinishForTestClass:method:withStatus:duration:")
    default void testCaseDidFinish(String testClass, String method, String status, double duration) {}
  }

  /** What the IDE calls on the daemon. */
  @DtxService(value = "Test_DaemonInterface", proxy = true)
  public interface Daemon {
    @DtxMethod("_IDE_initiateSessionWithIdentifier:capabilities:")
    XCTCapabilities initiateSession(UUID session, XCTCapabilities capabilities);

    @DtxMethod("_IDE_authorizeTestSessionWithProcessID:")
    CompletableFuture<Boolean> authorize(int pid);

    @DtxMethod("_IDE_collectNewCrashReportsInDirectories:matchingProcessNames:")
    List<String> collectCrashReports(List<String> directories, List<String> processNames);
  }

  /** What the IDE calls on the runner, over the channel the runner opens. */
  @DtxService(value = "Test_DriverInterface", proxy = true)
  public interface Driver {
    @DtxMethod("_IDE_startExecutingTestPlanWithProtocolVersion:")
    void startExecutingTestPlan(int protocolVersion);
  }
}
