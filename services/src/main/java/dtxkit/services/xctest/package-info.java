/**
 * XCTest over testmanagerd: the three {@code dtxproxy:} protocols of a run
 * ({@link dtxkit.services.xctest.XCTestManagerIdeInterface}, the {@code _XCT_*} callbacks the IDE exports;
 * {@link dtxkit.services.xctest.XCTestManagerDaemonConnectionInterface}, the daemon's sessions;
 * {@link dtxkit.services.xctest.XCTestDriverInterface}, the runner's plan) and the runner API built on them.
 */
package dtxkit.services.xctest;
