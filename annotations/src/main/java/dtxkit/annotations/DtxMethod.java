package dtxkit.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a method of a {@link DtxService} interface to the Objective-C selector we send to the peer.
 *
 * <pre>{@code
 * @DtxMethod("runningProcesses")                       // no colon: no parameters
 * List<ProcessInfo> runningProcesses();
 *
 * @DtxMethod("execnameForPid:")                        // one colon: one parameter
 * String execname(int pid);                            // pid travels as an archived NSNumber
 *
 * @DtxMethod("sendSignal:toPid:")
 * CompletableFuture<Void> sendSignal(int signal, int pid);  // asynchronous: does not block the caller
 *
 * @DtxMethod(value = "killPid:", oneway = true)         // the device never answers killPid:
 * void kill(int pid);
 * }</pre>
 *
 * <p>The selector has one colon per parameter. Parameters are NSKeyedArchived unless annotated with a raw
 * encoding ({@link Int32}, {@link Int64}, {@link Double}, {@link Str}, {@link Raw}). The return type picks the
 * call style: a value (or {@code void}) blocks with the connection's call timeout; {@code CompletableFuture<T>}
 * completes when the reply arrives, and cancelling it abandons the reply. Supported value types: {@code String},
 * primitive and boxed numbers, {@code boolean}, {@code byte[]}, {@code List}, {@code Set}, {@code Map},
 * {@code java.time.Instant} (NSDate), {@code java.util.UUID}, {@code java.net.URI}, {@code Object}, the
 * {@code dtxkit.runtime.archive} types, and records mapped from an NSDictionary (see {@link Key}).
 * Methods may not declare type parameters.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface DtxMethod {

  /**
   * The selector, e.g. {@code "execnameForPid:"} or {@code "sendSignal:toPid:"}.
   *
   * @return the selector; its colon count equals the method's parameter count
   */
  String value();

  /**
   * Sends the message without asking for a reply (fire and forget). Only for selectors the peer never answers,
   * such as {@code killPid:} or {@code setConfig:}; the method must return {@code void}.
   *
   * <pre>{@code
   * @DtxMethod(value = "setConfig:", oneway = true)
   * void setConfig(Map<String, Object> config);
   * }</pre>
   *
   * @return {@code true} to send with expects-reply clear
   */
  boolean oneway() default false;
}
