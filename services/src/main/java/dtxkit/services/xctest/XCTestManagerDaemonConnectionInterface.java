package dtxkit.services.xctest;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.runtime.DtxUnrecognizedSelectorException;
import dtxkit.runtime.archive.XCTCapabilities;
import java.util.List;
import java.util.UUID;

/**
 * {@code XCTestManager_DaemonConnectionInterface}: what the IDE calls on testmanagerd, over the channel it opens,
 * {@code dtxproxy:XCTestManager_IDEInterface:XCTestManager_DaemonConnectionInterface}. An XCTest run uses two
 * testmanagerd connections: a control session (authorizes the runner's process) and a test session (its identifier
 * is the configuration's {@code sessionIdentifier}; the runner's callbacks come through it).
 *
 * <table>
 *   <caption>Which call by iOS version (go-ios and pymobiledevice3; the simulator recording speaks 35)</caption>
 *   <tr><th>step</th><th>iOS 17 and later</th><th>iOS 12 to 16 (protocol 36)</th><th>iOS 11 (protocol 25)</th></tr>
 *   <tr><td>test session</td><td>{@link #initiateSessionWithIdentifierAndCapabilities}</td>
 *       <td colspan="2">{@link #initiateSessionWithIdentifier}</td></tr>
 *   <tr><td>control session</td><td>{@link #initiateControlSessionWithCapabilities}</td>
 *       <td>{@link #initiateControlSessionWithProtocolVersion}</td><td>none</td></tr>
 *   <tr><td>authorize the runner</td><td colspan="2">{@link #authorizeTestSessionWithProcessId}</td>
 *       <td>{@link #initiateControlSessionForTestProcessIdWithVersion}</td></tr>
 * </table>
 *
 * <p>The daemon (the mock's testmanagerd) implements it; the legacy calls of iOS 11 and earlier default to "does not
 * respond to the selector", as a daemon that does not know them answers.
 */
@DtxService(value = "XCTestManager_DaemonConnectionInterface", proxy = true)
public interface XCTestManagerDaemonConnectionInterface {

  /** {@code _IDE_initiateControlSessionWithCapabilities:} (iOS 17+): the daemon answers with its capabilities. */
  @DtxMethod("_IDE_initiateControlSessionWithCapabilities:")
  XCTCapabilities initiateControlSessionWithCapabilities(XCTCapabilities capabilities);

  /** {@code _IDE_initiateControlSessionWithProtocolVersion:} (iOS 11-16): the daemon answers with its version. */
  @DtxMethod("_IDE_initiateControlSessionWithProtocolVersion:")
  long initiateControlSessionWithProtocolVersion(long protocolVersion);

  /**
   * {@code _IDE_initiateSessionWithIdentifier:capabilities:} (iOS 17+): the test session; the daemon answers with
   * its capabilities.
   */
  @DtxMethod("_IDE_initiateSessionWithIdentifier:capabilities:")
  XCTCapabilities initiateSessionWithIdentifierAndCapabilities(UUID sessionIdentifier, XCTCapabilities capabilities);

  /**
   * {@code _IDE_initiateSessionWithIdentifier:forClient:atPath:protocolVersion:} (iOS 11-16): the test session for
   * a client (a string naming the IDE process) at a path (Xcode's); the daemon answers with its protocol version.
   */
  @DtxMethod("_IDE_initiateSessionWithIdentifier:forClient:atPath:protocolVersion:")
  long initiateSessionWithIdentifier(UUID sessionIdentifier, String client, String path, long protocolVersion);

  /** {@code _IDE_authorizeTestSessionWithProcessID:} (iOS 12+): lets the launched runner join the session. */
  @DtxMethod("_IDE_authorizeTestSessionWithProcessID:")
  boolean authorizeTestSessionWithProcessId(long pid);

  /** {@code _IDE_initiateControlSessionForTestProcessID:protocolVersion:} (iOS 11 and earlier, protocol 25). */
  @DtxMethod("_IDE_initiateControlSessionForTestProcessID:protocolVersion:")
  default Object initiateControlSessionForTestProcessIdWithVersion(long pid, long protocolVersion) {
    throw DtxUnrecognizedSelectorException.forSelector(
        "_IDE_initiateControlSessionForTestProcessID:protocolVersion:", "XCTestManager_DaemonConnectionInterface");
  }

  /** {@code _IDE_initiateControlSessionForTestProcessID:} (the oldest runners, without a protocol version). */
  @DtxMethod("_IDE_initiateControlSessionForTestProcessID:")
  default Object initiateControlSessionForTestProcessId(long pid) {
    throw DtxUnrecognizedSelectorException.forSelector("_IDE_initiateControlSessionForTestProcessID:",
        "XCTestManager_DaemonConnectionInterface");
  }

  /**
   * {@code _IDE_collectNewCrashReportsInDirectories:matchingProcessNames:}: crash reports written since the last
   * call (Xcode asks before and after a run; a device answered an empty array in the recordings).
   */
  @DtxMethod("_IDE_collectNewCrashReportsInDirectories:matchingProcessNames:")
  List<Object> collectNewCrashReports(List<String> directories, List<String> processNames);
}
