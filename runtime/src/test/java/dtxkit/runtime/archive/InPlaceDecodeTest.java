package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Archives decoded from a slice of a larger array or buffer (what a DTX payload is): the same values as from their own
 * array, whatever surrounds the slice, and a malformed archive reported the same way, with the buffer untouched.
 */
class InPlaceDecodeTest {
  private static Object sample() {
    Map<Object, Object> processes = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      List<Object> attrs = new ArrayList<>();
      attrs.add(100 + i);
      attrs.add("process-" + i);
      attrs.add(i * 0.5);
      attrs.add(1L << (20 + i % 30));
      attrs.add(i % 2 == 0);
      attrs.add("ünïcode-" + i);
      attrs.add(new byte[] {(byte) i, 2, 3});
      processes.put(100 + i, attrs);
    }
    return List.of(Map.of("Processes", processes, "Type", 7));
  }

  private static byte[] framed(byte[] archive, int before, int after) {
    byte[] out = new byte[before + archive.length + after];
    java.util.Arrays.fill(out, (byte) 0x5F); // an ASCII string marker with an extended length: noise, not a plist
    System.arraycopy(archive, 0, out, before, archive.length);
    return out;
  }

  @Test
  void aSliceOfALargerArrayDecodesAsTheArchiveAlone() throws Exception {
    Object value = sample();
    byte[] archive = NSKeyedArchiver.archive(value);
    Object alone = NSKeyedUnarchiver.unarchive(archive);
    byte[] framed = framed(archive, 37, 11);
    NSKeyedUnarchiver unarchiver = NSKeyedUnarchiver.builder().build();
    assertEquals(ArchiveValues.toString(alone, 100_000),
        ArchiveValues.toString(unarchiver.decode(framed, 37, archive.length), 100_000));
  }

  @Test
  void heapSlicesCompositesAndDirectBuffersDecodeAlike() throws Exception {
    Object value = sample();
    byte[] archive = NSKeyedArchiver.archive(value);
    String expected = ArchiveValues.toString(NSKeyedUnarchiver.unarchive(archive), 100_000);
    byte[] framed = framed(archive, 5, 9);
    ByteBuf heap = Unpooled.wrappedBuffer(framed).slice(5, archive.length);
    ByteBuf direct = Unpooled.directBuffer(archive.length).writeBytes(archive);
    CompositeByteBuf composite = Unpooled.compositeBuffer();
    composite.addComponent(true, Unpooled.wrappedBuffer(archive, 0, 100));
    composite.addComponent(true, Unpooled.wrappedBuffer(archive, 100, archive.length - 100));
    try {
      for (ByteBuf buf : List.of(heap, direct, composite)) {
        int reader = buf.readerIndex();
        assertEquals(expected, ArchiveValues.toString(NSKeyedUnarchiver.unarchive(buf), 100_000));
        assertEquals(reader, buf.readerIndex());
      }
    } finally {
      direct.release();
      composite.release();
    }
  }

  @Test
  void aMalformedSliceIsReportedAsTheMalformedArchive() {
    byte[] archive = NSKeyedArchiver.archive(sample());
    byte[] bad = archive.clone();
    // The first object after the magic: make it declare an extended length with no integer after it.
    bad[8] = 0x5F;
    bad[9] = 0x41;
    DtxProtocolException alone = assertThrows(DtxProtocolException.class, () -> NSKeyedUnarchiver.unarchive(bad));
    byte[] framed = framed(bad, 21, 3);
    DtxProtocolException slice = assertThrows(DtxProtocolException.class,
        () -> NSKeyedUnarchiver.unarchive(Unpooled.wrappedBuffer(framed).slice(21, bad.length)));
    assertEquals(alone.getMessage(), slice.getMessage());
  }
}
