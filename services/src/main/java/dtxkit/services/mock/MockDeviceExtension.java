package dtxkit.services.mock;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.internal.DtxBindings;
import dtxkit.services.Instruments;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * Starts a {@link MockDevice} per test class and hands it, and ready clients, to the tests: fields and parameters of
 * type {@link MockDevice}, {@link Instruments} (connected through RSD discovery), {@link DtxConnection} (that
 * client's connection), and any {@code @DtxService} interface (a typed client on that connection). Everything is
 * closed after the class.
 *
 * <pre>{@code
 * @ExtendWith(MockDeviceExtension.class)
 * class MyTest {
 *     MockDevice device;          // injected
 *     DeviceInfo deviceInfo;      // injected: a typed client
 *
 *     @Test
 *     void listsProcesses(Instruments instruments) {
 *         assertFalse(instruments.processes().isEmpty());
 *     }
 * }
 * }</pre>
 *
 * <p>Fields are injected when they are non-static, not final, null, and of one of these types. Needs JUnit Jupiter
 * on the test class path (an optional dependency of this module).
 */
public final class MockDeviceExtension implements BeforeAllCallback, AfterAllCallback, TestInstancePostProcessor,
    ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(MockDeviceExtension.class);
  private static final String KEY = "session";

  /** One test class's device and client. */
  private record Session(MockDevice device, Instruments instruments) {
    void close() {
      try {
        instruments.close();
      } finally {
        device.close();
      }
    }
  }

  private final UnaryOperator<MockDevice.Builder> configurer;

  /** A device as {@link MockDevice#start()} makes it; used by {@code @ExtendWith}. */
  public MockDeviceExtension() {
    this(UnaryOperator.identity());
  }

  private MockDeviceExtension(UnaryOperator<MockDevice.Builder> configurer) {
    this.configurer = configurer;
  }

  /**
   * An extension whose device is configured first, e.g. with services of the test's own; register it with
   * {@code @RegisterExtension} on a static field.
   *
   * <pre>{@code
   * @RegisterExtension
   * static final MockDeviceExtension MOCK = MockDeviceExtension.configured(b -> b.service(Screenshot.class, myFake));
   * }</pre>
   *
   * @param configurer adjusts the builder (returns it, or another)
   * @return the extension
   */
  public static MockDeviceExtension configured(UnaryOperator<MockDevice.Builder> configurer) {
    return new MockDeviceExtension(Objects.requireNonNull(configurer, "configurer"));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    MockDevice device = configurer.apply(MockDevice.builder()).start();
    Instruments instruments;
    try {
      instruments = device.connect();
    } catch (Exception e) {
      device.close();
      throw e;
    }
    context.getStore(NAMESPACE).put(KEY, new Session(device, instruments));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Session session = context.getStore(NAMESPACE).remove(KEY, Session.class);
    if (session != null) {
      session.close();
    }
  }

  @Override
  public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws Exception {
    Session session = session(context);
    for (Class<?> type = testInstance.getClass(); type != null && type != Object.class;
        type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        int modifiers = field.getModifiers();
        if (Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers) || !supports(field.getType())) {
          continue;
        }
        field.setAccessible(true);
        if (field.get(testInstance) == null) {
          field.set(testInstance, resolve(session, field.getType()));
        }
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return supports(parameterContext.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    try {
      return resolve(session(extensionContext), parameterContext.getParameter().getType());
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("cannot provide " + parameterContext.getParameter(), e);
    }
  }

  private static Session session(ExtensionContext context) {
    Session session = context.getStore(NAMESPACE).get(KEY, Session.class);
    if (session == null) {
      throw new ExtensionConfigurationException("MockDeviceExtension has no device for "
          + context.getDisplayName() + ": register it on the test class (@ExtendWith), not on a method");
    }
    return session;
  }

  private static boolean supports(Class<?> type) {
    return type == MockDevice.class || type == Instruments.class || type == DtxConnection.class
        || DtxBindings.isService(type);
  }

  private static Object resolve(Session session, Class<?> type) {
    if (type == MockDevice.class) {
      return session.device();
    }
    if (type == Instruments.class) {
      return session.instruments();
    }
    if (type == DtxConnection.class) {
      return session.instruments().connection();
    }
    return session.instruments().service(type);
  }
}
