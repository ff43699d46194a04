/**
 * Annotations that declare a DTX service as a Java interface; the dtxkit processor turns each declaration into a
 * typed client, a server dispatch table and the wiring that lets the runtime find both.
 *
 * <h2>The shape of a declaration</h2>
 *
 * <pre>{@code
 * @DtxService("com.apple.instruments.server.services.processcontrol")
 * public interface ProcessControl {
 *
 *     @DtxMethod("launchSuspendedProcessWithDevicePath:bundleIdentifier:environment:arguments:options:")
 *     int launch(String devicePath, String bundleId, Map<String, String> env, List<String> args,
 *                Map<String, Object> options);
 *
 *     @DtxMethod(value = "killPid:", oneway = true)
 *     void kill(int pid);
 *
 *     @DtxMethod("requestDisableMemoryLimitsForPid:")
 *     boolean disableMemoryLimits(@Int32 int pid);
 *
 *     // Callbacks the peer sends to us: one nested interface, every method a default no-op.
 *     interface Events {
 *         @OnNotification("outputReceived:fromProcess:atTime:")
 *         default void outputReceived(String output, int pid, long machTime) {}
 *     }
 * }
 * }</pre>
 *
 * <h2>Notifications: the nested events interface</h2>
 *
 * <p>Selectors that the <em>peer</em> invokes on us ({@link dtxkit.annotations.OnNotification}) and raw DATA
 * messages ({@link dtxkit.annotations.OnData}) are declared in <b>one nested interface</b> of the service, never
 * in the service interface itself. That keeps the two directions apart: an implementation of the service (a mock
 * device, a server) implements the {@link dtxkit.annotations.DtxMethod} methods only, and a listener implements
 * the nested interface only — overriding just the callbacks it cares about when they are {@code default}
 * no-ops, which is the recommended style. The processor finds the nested interface by its annotated methods
 * (its name is free; {@code Events} is the convention) and generates both ends: a receiver that routes incoming
 * invocations and DATA to a client's listener, and a sender, implementing the nested interface, that a server
 * implementation uses to push the callbacks to its client.
 *
 * <p>All annotations have {@code CLASS} retention: the processor reads them and the generated code carries what
 * the runtime needs, so nothing is read reflectively on the call path.
 */
package dtxkit.annotations;
