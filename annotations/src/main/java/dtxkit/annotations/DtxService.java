package dtxkit.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an interface as a DTX service, named by the identifier a peer opens a channel with.
 *
 * <pre>{@code
 * @DtxService("com.apple.instruments.server.services.deviceinfo")
 * public interface DeviceInfo {
 *     @DtxMethod("runningProcesses")
 *     List<ProcessInfo> runningProcesses();
 * }
 * }</pre>
 *
 * <p>For {@code DeviceInfo} the processor generates, in the same package, {@code DeviceInfo_DtxClient} (a proxy
 * that implements the interface over a channel), {@code DeviceInfo_DtxDispatcher} (routes incoming selectors to
 * an implementation) and {@code DeviceInfo_DtxBinding} (the identifier and the wiring, found by the runtime through
 * {@link java.util.ServiceLoader}). A nested {@code Outer.Inner} becomes {@code Outer_Inner_DtxClient}.
 *
 * <p>Rules checked at compile time: the annotated type is a non-generic interface that extends no other
 * interface; the identifier is a non-empty dotted name without whitespace; every abstract method carries
 * {@link DtxMethod}; callbacks live in one nested interface (see {@link OnNotification}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface DtxService {

  /**
   * The service identifier, e.g. {@code "com.apple.instruments.server.services.deviceinfo"}: letters, digits,
   * {@code '_'} and {@code '-'} in dot-separated parts, none of them empty.
   *
   * @return the identifier a peer passes to {@code _requestChannelWithCode:identifier:}
   */
  String value();

  /**
   * Declares an Objective-C protocol spoken on {@code dtxproxy:} channels instead of a service opened by name. On
   * such a channel each side exports one protocol and calls the other's: the channel identifier
   * {@code dtxproxy:<exported>:<called>} names both, from the requester's side (XCTest's
   * {@code dtxproxy:XCTestManager_IDEInterface:XCTestManager_DaemonConnectionInterface}). The {@link #value()} is
   * then the protocol name, a plain Objective-C identifier such as {@code XCTestManager_IDEInterface}. The same
   * interface serves both sides: the side exporting it implements it (its generated dispatcher answers the peer,
   * return values included), the side calling it gets the generated client.
   *
   * <pre>{@code
   * @DtxService(value = "XCTestDriverInterface", proxy = true)
   * public interface XCTestDriverInterface {
   *     @DtxMethod("_IDE_startExecutingTestPlanWithProtocolVersion:")
   *     void startExecutingTestPlan(int protocolVersion);
   * }
   *
   * // one side: export IDEInterface, call DaemonConnectionInterface
   * DtxProxyHandle<Daemon, Ide> proxy = connection.openProxy(Daemon.class, Ide.class, new MyIde());
   * proxy.remote().initiateControlSession(36);
   * // the other side accepts the channel the peer opens
   * registry.registerProxy(Daemon.class, Ide.class, (channel, ide) -> new MyDaemon(ide));
   * }</pre>
   *
   * <p>Checked at compile time: the name is an Objective-C identifier, and the protocol declares no callbacks (what
   * the peer calls on a proxy channel is the protocol it exports, declared as {@code @DtxMethod}s there). A proxy
   * protocol cannot be opened as a plain service, nor a plain service paired on a proxy channel.
   *
   * @return true for a {@code dtxproxy:} protocol
   */
  boolean proxy() default false;
}
