package dtxkit.services.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.annotations.OnNotification;
import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.DeviceStream;
import dtxkit.services.Instruments;
import dtxkit.services.ProcessEvent;
import dtxkit.services.applications.AppInfo;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.deviceinfo.ProcessInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Swapping in implementations, adding services and apps, and what a client without capabilities gets. */
class MockDeviceBuilderTest {

  /** A service of the user's own. */
  @DtxService("com.example.greeter")
  public interface Greeter {
    @DtxMethod("greet:")
    String greet(String name);

    interface Events {
      @OnNotification("greeted:")
      default void greeted(String name) {
      }
    }
  }

  @Test
  void ownImplementationOfACatalogueService() throws Exception {
    ProcessInfo only = new ProcessInfo(7, "onlyd", "/usr/libexec/onlyd", null, Instant.EPOCH, false);
    DeviceInfo own = (DeviceInfo) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DeviceInfo.class}, (proxy, method, args) -> switch (method.getName()) {
          case "runningProcesses" -> List.of(only);
          case "execnameForPid" -> "/custom/" + args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
    try (MockDevice device = MockDevice.builder().service(DeviceInfo.class, own).start();
        Instruments instruments = device.connect()) {
      assertEquals(List.of(only), instruments.processes());
      assertEquals("/custom/1", instruments.execname(1));
      // the other services are still the mock's
      assertEquals(MockScreenshot.WIDTH, java.nio.ByteBuffer.wrap(instruments.screenshot(), 16, 4).getInt());
    }
  }

  @Test
  void ownServiceWithPushedCallbacks() throws Exception {
    try (MockDevice device = MockDevice.builder().service(Greeter.class, name -> "hello " + name).start();
        Instruments instruments = device.connect()) {
      LinkedBlockingQueue<String> greeted = new LinkedBlockingQueue<>();
      Greeter greeter = instruments.connection().openService(Greeter.class, Greeter.Events.class,
          new Greeter.Events() {
            @Override
            public void greeted(String name) {
              greeted.add(name);
            }
          }).client();
      assertEquals("hello ada", greeter.greet("ada"));
      for (Greeter.Events client : device.handle(Greeter.class).events(Greeter.Events.class)) {
        client.greeted("ada");
      }
      assertEquals("ada", greeted.poll(10, TimeUnit.SECONDS));
      assertTrue(device.serviceIdentifiers().contains("com.example.greeter"));
    }
  }

  @Test
  void ownUntypedServiceAndExtraApp() throws Exception {
    AppInfo app = new AppInfo("com.example.todo", "Todo", "Todo", "/private/var/containers/Bundle/Todo.app", "2.1",
        "User", false, false, null, null);
    try (MockDevice device = MockDevice.builder()
        .service("com.example.echo", channel -> invocation -> invocation.arguments().get(0))
        .app(app).start();
        Instruments instruments = device.connect()) {
      DtxChannel echo = instruments.connection().openChannel("com.example.echo");
      assertEquals(Map.of("k", 1), echo.invoke("echo:", DtxArgument.object(Map.of("k", 1))));
      int pid = instruments.launch("com.example.todo");
      assertEquals("Todo", device.process(pid).name());
      assertTrue(instruments.apps().contains(app));
    }
  }

  @Test
  void noTerminationCallbackWithoutTheCapability() throws Exception {
    try (MockDevice device = MockDevice.start();
        RsdClient rsd = RsdClient.connect(device.rsdHost(), device.rsdPort(),
            RsdClient.Options.DEFAULT.withHostUuid(UUID.randomUUID()))) {
      Map<String, Object> caps = DtxConnection.defaultCapabilities();
      caps.remove("com.apple.instruments.client.processcontrol.capability.terminationCallback");
      try (DtxConnection connection = DtxConnection.builder(
          DtxTransport.of(rsd.openService(MockDevice.DTSERVICEHUB))).capabilities(caps).connect();
          Instruments instruments = Instruments.over(connection);
          DeviceStream.Iterator<ProcessEvent> events = instruments.processEvents().iterator()) {
        int first = instruments.launch(dtxkit.services.LaunchRequest.of("com.apple.Maps")
            .withStartSuspended(true));
        instruments.kill(first);
        int second = instruments.launch("com.apple.camera");
        // Events on one channel arrive in order: a termination callback for the first process would come
        // before the second process's output.
        ProcessEvent event = events.poll(Duration.ofSeconds(10));
        assertNotNull(event);
        assertInstanceOf(ProcessEvent.Output.class, event, "first event: " + event);
        assertEquals(second, event.pid());
      }
    }
  }
}
