package dtxkit.services.xctest;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;

/**
 * {@code XCTestDriverInterface}: what the IDE calls on the test runner, over the channel the runner opens to it once
 * launched, {@code dtxproxy:XCTestDriverInterface:XCTestManager_IDEInterface} (requested with code 1, addressed by
 * the IDE as channel -1). Accept that channel with
 * {@code registry.registerProxy(XCTestManagerIdeInterface.class, XCTestDriverInterface.class, ...)}.
 */
@DtxService(value = "XCTestDriverInterface", proxy = true)
public interface XCTestDriverInterface {

  /** {@code _IDE_startExecutingTestPlanWithProtocolVersion:}: run the plan (the runner replies at once). */
  @DtxMethod("_IDE_startExecutingTestPlanWithProtocolVersion:")
  void startExecutingTestPlan(long protocolVersion);
}
