package dtxkit.runtime;

import java.util.List;
import java.util.Objects;

/**
 * One method of a typed service as it travels: its Java name, its selector, whether it is sent without asking for a
 * reply, and how each argument is encoded. Generated bindings carry one per {@code @DtxMethod} and one per
 * {@code @OnNotification} callback, so that tracing, {@code dtxkit decode} and interceptors can name what they see.
 *
 * <pre>{@code
 * for (DtxMethodDescriptor m : handle.methods()) {
 *     System.out.println(m.selector() + " -> " + m.name() + m.argumentKinds());
 * }
 * }</pre>
 *
 * @param name the Java method name, e.g. {@code launchSuspendedProcess}
 * @param selector the selector, e.g. {@code launchSuspendedProcessWithDevicePath:bundleIdentifier:...}
 * @param oneway whether the message is sent without asking for a reply ({@code @DtxMethod(oneway = true)}); false
 *     for callbacks, whose sender decides
 * @param argumentKinds the encoding of each argument, in order
 */
public record DtxMethodDescriptor(String name, String selector, boolean oneway, List<DtxArgument.Kind> argumentKinds) {

  /** Checks and copies. */
  public DtxMethodDescriptor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(selector, "selector");
    argumentKinds = List.copyOf(argumentKinds);
  }

  /** For generated code: a descriptor from its parts. */
  public static DtxMethodDescriptor of(String name, String selector, boolean oneway, DtxArgument.Kind... kinds) {
    return new DtxMethodDescriptor(name, selector, oneway, List.of(kinds));
  }
}
