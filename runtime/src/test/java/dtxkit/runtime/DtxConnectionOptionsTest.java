package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DtxConnectionOptionsTest {

  @Test
  void defaults() {
    DtxConnection.Builder b = DtxConnection.builder(DtxTransport.memoryPair().a());
    assertEquals(Duration.ofSeconds(10), b.connectTimeout);
    assertEquals(Duration.ofSeconds(15), b.handshakeTimeout);
    assertEquals(Duration.ofSeconds(30), b.callTimeout);
    assertEquals(DtxConnection.defaultCapabilities(), b.capabilities);
    assertTrue(b.awaitPeerCapabilities);
    assertEquals(10_000, b.maxQueuedPerChannel);
    assertNull(b.deliveryExecutor);
    assertNull(b.name);
  }

  @Test
  void optionsChainAsTheBuilderAndAreChecked() {
    DtxConnection.Builder b = DtxConnection.builder("127.0.0.1", 1);
    assertSame(b, b.callTimeout(Duration.ofMillis(5)).name("n").capabilities(Map.of("a", 1)).skipHandshake());
    assertNull(b.capabilities, "skipHandshake after capabilities wins");
    assertThrows(IllegalArgumentException.class, () -> b.callTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.connectTimeout(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.maxQueuedPerChannel(0));
    assertThrows(NullPointerException.class, () -> b.handshakeTimeout(null));
  }
}
