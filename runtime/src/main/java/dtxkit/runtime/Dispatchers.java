package dtxkit.runtime;

import dtxkit.runtime.internal.DtxServiceBinding;
import java.util.HashSet;
import java.util.Set;

/** The dispatcher the runtime installs over an implementation of a {@code @DtxService} interface. */
final class Dispatchers {
  private Dispatchers() {}

  /**
   * The generated dispatcher over {@code implementation}; when it implements {@link DtxFallbackHandler}, the selectors
   * the interface does not declare go to its {@link DtxFallbackHandler#handleUnknown}.
   */
  static <T> DtxServiceHandler of(DtxServiceBinding<T, ?> binding, T implementation) {
    DtxServiceHandler dispatcher = binding.newDispatcher(implementation);
    if (!(implementation instanceof DtxFallbackHandler fallback)) {
      return dispatcher;
    }
    Set<String> declared = new HashSet<>();
    for (DtxMethodDescriptor method : binding.methods()) {
      declared.add(method.selector());
    }
    return invocation -> declared.contains(invocation.selector()) ? dispatcher.handle(invocation)
        : fallback.handleUnknown(invocation);
  }
}
