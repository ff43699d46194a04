package dtxkit.runtime.internal;

import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds generated bindings through {@link ServiceLoader}, by interface (in the interface's class loader) or by
 * identifier (in the given class loader). Lookups are cached; the call path never reaches this class.
 */
public final class DtxBindings {

  private static final Map<Class<?>, DtxServiceBinding<?>> BY_TYPE = new ConcurrentHashMap<>();

  private DtxBindings() {}

  /**
   * The binding generated for {@code type}.
   *
   * @throws IllegalArgumentException no binding is listed for {@code type} (not a {@code @DtxService} interface, or
   *     compiled without the dtxkit processor)
   */
  @SuppressWarnings("unchecked")
  public static <T> DtxServiceBinding<T> forType(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return (DtxServiceBinding<T>) BY_TYPE.computeIfAbsent(type, DtxBindings::load);
  }

  /**
   * The binding whose identifier is {@code identifier}, among those visible to {@code loader}, or {@code null}.
   */
  public static DtxServiceBinding<?> forIdentifier(String identifier, ClassLoader loader) {
    Objects.requireNonNull(identifier, "identifier");
    for (DtxServiceBinding<?> binding : ServiceLoader.load(DtxServiceBinding.class, loader)) {
      if (binding.identifier().equals(identifier)) {
        return binding;
      }
    }
    return null;
  }

  private static DtxServiceBinding<?> load(Class<?> type) {
    ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : ClassLoader.getSystemClassLoader();
    try {
      for (DtxServiceBinding<?> binding : ServiceLoader.load(DtxServiceBinding.class, loader)) {
        if (binding.serviceType() == type) {
          return binding;
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException("a listed DtxServiceBinding cannot be loaded: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("no generated DTX binding for " + type.getName()
        + ": is it annotated @DtxService, and was it compiled with dtxkit-processor on the annotation processor path?");
  }
}
