package dtxkit.runtime.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.DtxUnrecognizedSelectorException;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.rsd.server.RsdServer;
import dtxkit.runtime.tunnel.tcp.TcpStack;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole path over a CoreDeviceProxy stream: the handshake, the userspace TCP on both sides, RSD through it, and
 * DTX calls on a service RSD advertises; the device side forwards its tunnel ports to servers on loopback.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoreDeviceTunnelTest {
  private static final String HUB = "com.apple.instruments.dtservicehub";
  private static final String ECHO = "dtxkit.test.echo";
  static final RsdClient.Options RSD = RsdClient.Options.DEFAULT.withHostUuid(UUID.randomUUID());

  static TunnelParameters parameters(int rsdPort) throws Exception {
    return new TunnelParameters((Inet6Address) InetAddress.getByName("fd7a:1:2::2"), 64, 16000,
        (Inet6Address) InetAddress.getByName("fd7a:1:2::1"), rsdPort);
  }

  @Test
  void rsdAndDtxRunThroughTheTunnel() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry().register(ECHO, channel -> invocation -> {
      if (invocation.selector().equals("echo:")) {
        return invocation.arguments().get(0);
      }
      throw DtxUnrecognizedSelectorException.forSelector(invocation.selector(), ECHO);
    });
    try (DtxServer dtx = DtxServer.builder(registry).start();
        RsdServer rsd = RsdServer.builder(PeerInfo.builder().udid("00008120-0000000000000017")
            .productType("iPhone15,4").osVersion("17.4").buildVersion("21E219")
            .service(RsdService.of(HUB, dtx.port(), false)).build()).start()) {
      DtxTransport.Pair pair = DtxTransport.memoryPair();
      CompletableFuture<TcpStack> device = CompletableFuture.supplyAsync(() -> {
        try {
          return CoreDeviceTunnel.serve(pair.b(), parameters(rsd.port()), CoreDeviceTunnel.Options.DEFAULT,
              stack -> new PortForwarder(stack.listen(p -> p == rsd.port() || p == dtx.port()),
                  p -> new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 16));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (CoreDeviceTunnel tunnel = CoreDeviceTunnel.open(pair.a(), CoreDeviceTunnel.Options.DEFAULT);
          TcpStack deviceStack = device.get(10, TimeUnit.SECONDS);
          RsdClient client = tunnel.connectRsd(RSD);
          DtxConnection connection = client.openDtx(HUB, b -> b.callTimeout(Duration.ofSeconds(10)))) {
        assertEquals(parameters(rsd.port()), tunnel.parameters());
        assertEquals("00008120-0000000000000017", client.peerInfo().udid());
        DtxChannel channel = connection.openChannel(ECHO);
        for (int i = 0; i < 50; i++) {
          assertEquals("call " + i, channel.invoke("echo:", DtxArgument.object("call " + i)));
        }
        byte[] big = new byte[1 << 20];
        new java.util.Random(5).nextBytes(big);
        assertEquals(java.util.Arrays.hashCode(big),
            java.util.Arrays.hashCode((byte[]) channel.invoke("echo:", DtxArgument.object(big))));
        assertEquals(0, tunnel.stack().stats().malformed());
        assertTrue(deviceStack.stats().packetsIn() > 0);
      }
    }
  }

  @Test
  void aDeviceThatAnswersWithSomethingElseFailsTheHandshakeAndClosesTheStream() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    pair.b().output().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    pair.b().output().flush();
    TunnelProtocolException e = assertThrows(TunnelProtocolException.class,
        () -> CoreDeviceTunnel.open(pair.a(), CoreDeviceTunnel.Options.DEFAULT));
    assertEquals("response magic", e.field());
    assertEquals(16000, CdTunnel.readClientRequest(pair.b().input(), 1024), "the host asked first");
    assertEquals(-1, pair.b().input().read(), "then closed the stream");
  }

  @Test
  void aDeviceThatNeverAnswersTimesTheHandshakeOut() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    CoreDeviceTunnel.Options quick = new CoreDeviceTunnel.Options(16000, 1024, Duration.ofMillis(300),
        CoreDeviceTunnel.Options.DEFAULT.tcp());
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> CoreDeviceTunnel.open(pair.a(), quick));
    assertTrue(e.getMessage().contains("CDTunnel handshake"), e.getMessage());
  }
}
