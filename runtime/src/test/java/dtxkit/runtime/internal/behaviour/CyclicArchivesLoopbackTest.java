package dtxkit.runtime.internal.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxException;
import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.archive.ArchiveValues;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 2: archives whose objects refer back to themselves (legal in NSKeyedArchiver) as arguments of a typed
 * service and as replies to a typed client. Every call is answered: with the value (shared references decode to
 * shared Java instances) or with an error that says what was expected; nothing recurses without a bound.
 */
class CyclicArchivesLoopbackTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private DtxServer server;
  private DtxConnection client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void serve(DtxServiceRegistry registry) throws IOException {
    server = DtxServer.builder(registry).port(0).start();
    client = DtxConnection.builder(DtxTransport.tcp("127.0.0.1", server.port())).callTimeout(WAIT)
        .name("cyclic-client").connect();
  }

  /** {@code outer = [inner]}, {@code inner = [outer]}: an NSArray that contains itself through another array. */
  private static List<Object> arrayContainingItself() {
    List<Object> outer = new ArrayList<>();
    List<Object> inner = new ArrayList<>();
    outer.add(inner);
    inner.add(outer);
    return outer;
  }

  @Test
  void aTypedServiceAnswersACallWhoseArgumentContainsItself() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry();
    registry.register(Typed.class, new FakeTyped());
    serve(registry);
    DtxChannel untyped = client.openChannel("dtxkit.test.typed");

    // List<String> parameter: the element is the cyclic array, which is no string.
    DtxRemoteException list = assertThrows(DtxRemoteException.class,
        () -> untyped.invoke("echoList:", DtxArgument.object(arrayContainingItself())));
    assertTrue(list.getMessage().contains("expected a String, got ArrayList [[(cycle)]]"), list.getMessage());

    // Set<Integer> parameter: the same, through the set conversion.
    DtxRemoteException set = assertThrows(DtxRemoteException.class,
        () -> untyped.invoke("echoSet:", DtxArgument.object(arrayContainingItself())));
    assertTrue(set.getMessage().contains("expected an int, got ArrayList [[(cycle)]]"), set.getMessage());

    // Map<String, Object>: the value is the map itself; the typed service takes and echoes it.
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", "m");
    map.put("self", map);
    Map<?, ?> echoed = assertInstanceOf(Map.class, untyped.invoke("echoMap:", DtxArgument.object(map)));
    assertEquals("m", echoed.get("name"));
    // The typed service's Map is a converted copy whose "self" is the decoded map, which contains itself.
    Map<?, ?> decoded = assertInstanceOf(Map.class, echoed.get("self"));
    assertSame(decoded, decoded.get("self"));
    assertTrue(ArchiveValues.deepEquals(map, echoed));

    // The connection is still serving.
    assertEquals("after", untyped.invoke("echoString:", DtxArgument.object("after")));
  }

  @Test
  void aTypedClientGetsAClearErrorOrTheValueForACyclicReply() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry();
    registry.register("dtxkit.test.typed", channel -> invocation -> switch (invocation.selector()) {
      case "echoList:" -> arrayContainingItself();
      case "echoSet:" -> arrayContainingItself();
      case "echoMap:" -> {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("self", map);
        yield map;
      }
      default -> null;
    });
    serve(registry);
    Typed typed = client.open(Typed.class);

    DtxException list = assertThrows(DtxException.class, () -> typed.echoList(List.of()));
    assertEquals("expected a String, got ArrayList [[(cycle)]]", list.getMessage());

    DtxException set = assertThrows(DtxException.class, () -> typed.echoSet(Set.of()));
    assertEquals("expected an int, got ArrayList [[(cycle)]]", set.getMessage());

    Map<String, Object> map = typed.echoMap(Map.of());
    Map<?, ?> inner = assertInstanceOf(Map.class, map.get("self"));
    assertSame(inner, inner.get("self"));
  }
}
