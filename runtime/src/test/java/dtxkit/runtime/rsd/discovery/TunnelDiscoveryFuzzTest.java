package dtxkit.runtime.rsd.discovery;

import dtxkit.runtime.testing.Mutations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seeded mutations of the tunnel daemons' JSON listings: only IOExceptions escape. */
class TunnelDiscoveryFuzzTest {

  @Test
  void mutatedTunnelListingsOnlyFailAsIoErrors() {
    String tunneld = "{\"00008110-001A2B3C4D5E801E\": [{\"tunnel-address\": \"fd35:d15c:6a3e::1\", \"tunnel-port\":"
        + " 60123, \"interface\": \"utun4\", \"extra\": {\"nested\": [1, 2]}}]}";
    String goIos = "[{\"address\": \"fd12:3456::1\", \"rsdPort\": 58783, \"udid\": \"00008110-001A2B3C4D5E801E\","
        + " \"userspaceTun\": false, \"userspaceTunPort\": 0}]";
    Mutations.feedAll(Mutations.of(tunneld.getBytes(StandardCharsets.UTF_8), 200, 2000, 34),
        b -> TunnelDiscovery.parseTunneld(new String(b, StandardCharsets.UTF_8)), IOException.class);
    Mutations.feedAll(Mutations.of(goIos.getBytes(StandardCharsets.UTF_8), 200, 2000, 35),
        b -> TunnelDiscovery.parseGoIos(new String(b, StandardCharsets.UTF_8)), IOException.class);
    Mutations.feedAll(List.of(new Mutations.Case("deep", "[".repeat(100_000).getBytes(StandardCharsets.UTF_8))),
        b -> TunnelDiscovery.parseGoIos(new String(b, StandardCharsets.UTF_8)), IOException.class);
  }
}
