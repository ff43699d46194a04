package dtxkit.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a callback to a selector the <em>peer</em> invokes on us, such as the output of a launched process.
 *
 * <pre>{@code
 * @DtxService("com.apple.instruments.server.services.processcontrol")
 * public interface ProcessControl {
 *     // ... @DtxMethod methods ...
 *
 *     interface Events {
 *         @OnNotification("outputReceived:fromProcess:atTime:")
 *         default void outputReceived(String output, int pid, long machTime) {}
 *     }
 * }
 *
 * // client side: receive
 * ProcessControl pc = connection.open(ProcessControl.class, new ProcessControl.Events() {
 *     @Override public void outputReceived(String output, int pid, long machTime) { System.out.print(output); }
 * });
 *
 * // server side: push to every connected client (each sender implements ProcessControl.Events)
 * DtxServiceHandle<ProcessControl> handle = registry.register(ProcessControl.class, new FakeProcessControl());
 * for (ProcessControl.Events client : handle.events(ProcessControl.Events.class)) {
 *     client.outputReceived("hello\n", 42, 0L);
 * }
 * }</pre>
 *
 * <p>Callbacks are declared in <b>one nested interface</b> of the {@link DtxService} interface (its name is free,
 * {@code Events} by convention), so that an implementation of the service does not have to implement them and a
 * listener implements nothing else; declaring them {@code default} no-ops lets a listener override only what it
 * needs. The method returns {@code void} (a notification gets no reply), its selector has one colon per parameter,
 * and its parameters follow the same types and encodings as {@link DtxMethod} parameters. The processor generates a
 * receiver that routes the selector to a listener, and a sender that encodes the call for a server to push.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface OnNotification {

    /**
     * The selector the peer sends, e.g. {@code "outputReceived:fromProcess:atTime:"}.
     *
     * @return the selector; its colon count equals the method's parameter count
     */
    String value();
}
