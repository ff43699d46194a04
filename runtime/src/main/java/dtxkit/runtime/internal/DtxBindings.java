package dtxkit.runtime.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the bindings the processor generated. The one place in the runtime that knows how generated classes are
 * named (it mirrors the processor's {@code GeneratedNames}): {@code DeviceInfo} has the binding
 * {@code DeviceInfo_DtxBinding} in its package, a nested {@code Outer.Inner} has {@code Outer_Inner_DtxBinding}.
 *
 * <p>By interface, a binding is found by that name first, as Dagger finds its generated classes, so a service
 * compiled incrementally (an IDE or Gradle recompiling one file) is found even if the ServiceLoader file in the
 * output lacks it; the ServiceLoader file {@code META-INF/services/dtxkit.runtime.internal.DtxServiceBinding} is
 * the index used to list bindings and to find one by identifier, and lines naming a missing class are skipped.
 * Lookups by interface are cached; the call path never reaches this class.
 */
public final class DtxBindings {

  /** The ServiceLoader file the processor writes, relative to the class path root. */
  public static final String SERVICES_FILE = "META-INF/services/" + DtxServiceBinding.class.getName();

  private static final String BINDING_SUFFIX = "_DtxBinding";

  private static final Map<Class<?>, Optional<DtxServiceBinding<?, ?>>> BY_TYPE = new ConcurrentHashMap<>();

  private DtxBindings() {}

  /**
   * The binary name of the binding the processor generates for {@code service}: its package, then its simple name
   * and those of its enclosing types joined by {@code _}, then {@code _DtxBinding}.
   */
  public static String bindingName(Class<?> service) {
    Objects.requireNonNull(service, "service");
    StringBuilder name = new StringBuilder(service.getSimpleName());
    Class<?> top = service;
    for (Class<?> outer = service.getEnclosingClass(); outer != null; outer = outer.getEnclosingClass()) {
      name.insert(0, outer.getSimpleName() + "_");
      top = outer;
    }
    String pkg = top.getPackageName();
    return (pkg.isEmpty() ? "" : pkg + ".") + name + BINDING_SUFFIX;
  }

  /**
   * The binding generated for {@code type}.
   *
   * @throws IllegalArgumentException there is no binding for {@code type} (not a {@code @DtxService} interface, or
   *     compiled without the dtxkit processor)
   */
  @SuppressWarnings("unchecked")
  public static <T> DtxServiceBinding<T, ?> forType(Class<T> type) {
    Optional<DtxServiceBinding<?, ?>> binding = find(type);
    if (binding.isEmpty()) {
      throw new IllegalArgumentException("no generated DTX binding for " + type.getName() + ": compile it with"
          + " dtxkit-processor on the annotation processor path (Maven annotationProcessorPaths, Gradle"
          + " annotationProcessor; javac 23+ ignores processors on the class path) and annotate it @DtxService;"
          + " see \"Use it from your build\" in dtxkit's README (looked for " + bindingName(type) + ")");
    }
    return (DtxServiceBinding<T, ?>) binding.get();
  }

  /**
   * The binding generated for {@code type}, checked to have {@code eventsType} as its events interface, so that
   * callers get a binding typed in both.
   *
   * @throws IllegalArgumentException no binding, or its events interface is not {@code eventsType}
   */
  @SuppressWarnings("unchecked")
  public static <T, E> DtxServiceBinding<T, E> forType(Class<T> type, Class<E> eventsType) {
    DtxServiceBinding<T, ?> binding = forType(type);
    Objects.requireNonNull(eventsType, "eventsType");
    if (binding.eventsType() != eventsType) {
      throw new IllegalArgumentException(type.getName() + " has events interface "
          + (binding.eventsType() == null ? "none" : binding.eventsType().getName()) + ", not "
          + eventsType.getName());
    }
    return (DtxServiceBinding<T, E>) binding;
  }

  /** Whether {@code type} has a generated binding (is a {@code @DtxService} interface compiled with the processor). */
  public static boolean isService(Class<?> type) {
    return type.isInterface() && find(type).isPresent();
  }

  /**
   * The binding whose identifier is {@code identifier}, among those listed in the index visible to {@code loader},
   * or {@code null}.
   */
  public static DtxServiceBinding<?, ?> forIdentifier(String identifier, ClassLoader loader) {
    Objects.requireNonNull(identifier, "identifier");
    for (DtxServiceBinding<?, ?> binding : all(loader)) {
      if (binding.identifier().equals(identifier)) {
        return binding;
      }
    }
    return null;
  }

  /**
   * Every binding listed in the ServiceLoader files visible to {@code loader}, in listing order, each once; lines
   * naming a class that is missing (a service deleted since the file was written) are skipped.
   */
  public static List<DtxServiceBinding<?, ?>> all(ClassLoader loader) {
    ClassLoader from = loader != null ? loader : ClassLoader.getSystemClassLoader();
    List<DtxServiceBinding<?, ?>> bindings = new ArrayList<>();
    for (String name : indexedNames(from)) {
      Class<?> type;
      try {
        type = Class.forName(name, false, from);
      } catch (ClassNotFoundException | LinkageError e) {
        continue;
      }
      DtxServiceBinding<?, ?> binding = instantiate(type);
      if (binding != null) {
        bindings.add(binding);
      }
    }
    return bindings;
  }

  private static Optional<DtxServiceBinding<?, ?>> find(Class<?> type) {
    Objects.requireNonNull(type, "type");
    return BY_TYPE.computeIfAbsent(type, DtxBindings::load);
  }

  private static Optional<DtxServiceBinding<?, ?>> load(Class<?> type) {
    ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : ClassLoader.getSystemClassLoader();
    try {
      DtxServiceBinding<?, ?> binding = instantiate(Class.forName(bindingName(type), true, loader));
      if (binding != null && binding.serviceType() == type) {
        return Optional.of(binding);
      }
    } catch (ClassNotFoundException e) {
      // Not generated under the usual name: try the index.
    }
    // A binding the name rule does not reach (e.g. a module that does not open its package to reflection).
    try {
      for (DtxServiceBinding<?, ?> binding : ServiceLoader.load(DtxServiceBinding.class, loader)) {
        if (binding.serviceType() == type) {
          return Optional.of(binding);
        }
      }
    } catch (ServiceConfigurationError e) {
      // A stale index line; the name lookup above already had its chance.
    }
    return Optional.empty();
  }

  /** A new instance of a generated binding class, or null when {@code type} is not one or cannot be created. */
  private static DtxServiceBinding<?, ?> instantiate(Class<?> type) {
    if (!DtxServiceBinding.class.isAssignableFrom(type)) {
      return null;
    }
    try {
      return (DtxServiceBinding<?, ?>) type.getConstructor().newInstance();
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      return null;
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("generated binding " + type.getName() + " failed to initialise", e.getCause());
    }
  }

  private static Set<String> indexedNames(ClassLoader loader) {
    Set<String> names = new LinkedHashSet<>();
    try {
      Enumeration<URL> files = loader.getResources(SERVICES_FILE);
      while (files.hasMoreElements()) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(files.nextElement().openStream(),
            StandardCharsets.UTF_8))) {
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            int comment = line.indexOf('#');
            String name = (comment >= 0 ? line.substring(0, comment) : line).trim();
            if (!name.isEmpty()) {
              names.add(name);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SERVICES_FILE, e);
    }
    return names;
  }
}
