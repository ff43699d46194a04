package dtxkit.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Receives the raw DATA messages of a channel (tap streams such as a kernel trace), as they arrive.
 *
 * <pre>{@code
 * @DtxService("com.apple.instruments.server.services.coreprofilesessiontap")
 * public interface CoreProfileTap {
 *     @DtxMethod("start")
 *     void start();
 *
 *     interface Events {
 *         @OnData
 *         default void data(byte[] chunk) {}
 *     }
 * }
 * }</pre>
 *
 * <p>Declared like {@link OnNotification}, in the service's nested events interface; at most one per service. The
 * method returns {@code void} and takes exactly one {@code byte[]} parameter. On the server side the generated
 * sender turns a call into one DATA message.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface OnData {
}
