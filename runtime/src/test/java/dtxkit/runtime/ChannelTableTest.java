package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelTableTest {

  @Test
  void codesCountFromOneAndWireCodesFlipForReplies() {
    ChannelTable table = new ChannelTable();
    assertEquals(1, table.nextCode());
    assertEquals(2, table.nextCode());
    // A message this side starts carries the local code; a reply the negated one; received codes map back.
    assertEquals(3, ChannelTable.wireCode(3, 0));
    assertEquals(-3, ChannelTable.wireCode(3, 1));
    assertEquals(-5, ChannelTable.localCode(5, 0), "a peer-opened channel 5 is kept as -5");
    assertEquals(3, ChannelTable.localCode(3, 1), "a reply on our channel 3");
    assertEquals(0, ChannelTable.localCode(0, 0));
  }

  @Test
  void removeByIdentityLeavesAReplacement() {
    ChannelTable table = new ChannelTable();
    DtxChannel first = new DtxChannel(null, 4, "a", DtxChannel.State.OPEN, null);
    DtxChannel second = new DtxChannel(null, 4, "b", DtxChannel.State.OPEN, null);
    DtxChannel other = new DtxChannel(null, -2, "c", DtxChannel.State.OPEN, null);
    table.put(first);
    table.put(second);
    table.put(other);
    table.remove(first);
    assertSame(second, table.get(4));
    assertEquals(List.of(other, second), table.sorted());
    assertSame(other, table.remove(-2));
    assertNull(table.get(-2));
  }
}
