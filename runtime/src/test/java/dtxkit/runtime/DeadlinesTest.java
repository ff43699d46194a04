package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.Loopback.Mode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Connect timeouts and per-call deadlines (issue 9), asynchronous calls included (issue 10, item 4). */
class DeadlinesTest {

  @Test
  void connectGivesUpAfterTheBuildersConnectTimeout() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<Socket> fillers = new ArrayList<>();
    try (ServerSocket listener = new ServerSocket()) {
      // A listener that never accepts, with its accept queue full: further SYNs are dropped and a connect hangs.
      listener.bind(new InetSocketAddress(loopback, 0), 1);
      boolean hangs = false;
      for (int i = 0; i < 16 && !hangs; i++) {
        Socket s = new Socket();
        fillers.add(s);
        try {
          s.connect(listener.getLocalSocketAddress(), 200);
        } catch (SocketTimeoutException e) {
          hangs = true;
        }
      }
      assertTrue(hangs, "the accept queue never filled");
      long start = System.nanoTime();
      assertThrows(SocketTimeoutException.class, () -> DtxConnection.builder("127.0.0.1", listener.getLocalPort())
          .connectTimeout(Duration.ofMillis(300)).connect());
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(tookMillis < 5_000, "took " + tookMillis + " ms");
      assertThrows(SocketTimeoutException.class,
          () -> DtxTransport.tcp("127.0.0.1", listener.getLocalPort(), Duration.ofMillis(300)));
    } finally {
      for (Socket s : fillers) {
        s.close();
      }
    }
  }

  @Test
  void perCallDeadlinesForBlockingAndAsynchronousCalls() throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, channel -> {
      TestService service = new TestService(channel);
      services.add(service);
      return service;
    });
    try (Loopback l = Loopback.open(Mode.MEMORY, b -> b.registry(registry),
        b -> b.callTimeout(Duration.ofSeconds(1)))) {
      DtxChannel blocking = l.client.openChannel(TestService.ID);
      DtxTimeoutException timeout = assertThrows(DtxTimeoutException.class,
          () -> blocking.invoke(Duration.ofMillis(150), "block"));
      assertTrue(timeout.getMessage().contains("PT0.15S"), "the deadline, not the call timeout: "
          + timeout.getMessage());

      // An asynchronous call to a peer that never answers fails after its deadline...
      DtxChannel async = l.client.openChannel(TestService.ID);
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> async.invokeAsync(Duration.ofMillis(150), "block").get(10, TimeUnit.SECONDS));
      assertInstanceOf(DtxTimeoutException.class, e.getCause());
      // ... and by default after the connection's call timeout (1 s here), not never.
      DtxChannel third = l.client.openChannel(TestService.ID);
      ExecutionException byDefault = assertThrows(ExecutionException.class,
          () -> third.invokeAsync("block").get(10, TimeUnit.SECONDS));
      assertInstanceOf(DtxTimeoutException.class, byDefault.getCause());

      // The late replies are counted as abandoned, and the channels work on.
      for (TestService service : services) {
        service.unblock.countDown();
      }
      assertEquals("still", third.invoke("echo:", DtxArgument.object("still")));
      assertEquals("works", async.invokeAsync("echo:", DtxArgument.object("works")).get(10, TimeUnit.SECONDS));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (l.client.abandonedReplyCount() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(3, l.client.abandonedReplyCount());
      assertEquals(0, l.client.unmatchedReplyCount());
      assertThrows(IllegalArgumentException.class, () -> third.invoke(Duration.ZERO, "nothing"));
    }
  }
}
