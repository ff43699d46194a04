package dtxkit.runtime.rsd.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxUnrecognizedSelectorException;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.server.RsdServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** From RSD discovery to a ready DTX connection: the path every iOS 17+ Instruments session takes. */
class RsdOpenDtxTest {
  private static final String HUB = "com.apple.instruments.dtservicehub";
  private static final String DEVICE_INFO = "com.apple.instruments.server.services.deviceinfo";

  @Test
  void openDtxConnectsToTheAdvertisedPortAndHandshakes() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry().register(DEVICE_INFO, channel -> invocation -> {
      if (invocation.selector().equals("machKernelName")) {
        return "/System/Library/Kernels/kernel.release.t8110";
      }
      throw DtxUnrecognizedSelectorException.forSelector(invocation.selector(), DEVICE_INFO);
    });
    try (DtxServer dtx = DtxServer.builder(registry).start();
        RsdServer rsd = RsdServer.builder(RsdClientServerTest.device()
                .service(RsdService.of(HUB, dtx.port(), false)).build())
            .start();
        RsdClient client = RsdClient.connect("127.0.0.1", rsd.port(), RsdClientServerTest.OPTIONS);
        DtxConnection connection = client.openDtx(HUB, b -> b.callTimeout(Duration.ofSeconds(5)))) {
      assertEquals(1, connection.peerCapabilities().get("com.apple.private.DTXConnection"));
      DtxChannel channel = connection.openChannel(DEVICE_INFO);
      assertEquals("/System/Library/Kernels/kernel.release.t8110", channel.invoke("machKernelName"));
      assertThrows(DtxUnrecognizedSelectorException.class, () -> channel.invoke("noSuchSelector"));
    }
  }

  @Test
  void aServiceTheDeviceDoesNotAdvertiseSaysWhatToDo() throws Exception {
    try (RsdServer rsd = RsdServer.builder(PeerInfo.builder().udid("00008030-0000000000000001")
                .productType("iPhone12,1").osVersion("17.0").buildVersion("21A329").build())
            .start();
        RsdClient client = RsdClient.connect("127.0.0.1", rsd.port(), RsdClientServerTest.OPTIONS)) {
      ServiceNotAdvertisedException e =
          assertThrows(ServiceNotAdvertisedException.class, () -> client.openDtx(HUB));
      assertEquals(HUB, e.serviceName());
      assertEquals("00008030-0000000000000001", e.udid());
      assertTrue(e.getMessage().contains("developer disk image"), e.getMessage());
    }
  }
}
