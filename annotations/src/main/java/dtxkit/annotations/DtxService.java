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
}
