package dtxkit.runtime.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Seeds for the coverage-guided fuzz targets ({@code *FuzzTargetsTest}), taken from the recorded fixtures under
 * {@code /fixtures/go-ios} at run time (so the fixtures are not copied): {@code @MethodSource} streams of named
 * {@code byte[]} arguments. Jazzer runs them as regression cases and, when fuzzing, adds them to the corpus. Also
 * the seeded split points every streaming target uses to feed one input in pieces, as a socket would.
 */
public final class FuzzSeeds {

  /** Every recorded DTX stream and message: what a device (conn-in*) and a host (conn-out*) sent. */
  public static final List<String> DTX = List.of("conn-in2.dump", "conn-in4.dump", "conn-out2.dump",
      "conn-out4.dump", "dtactivitytapmessage.bin", "fragmentedmessage.bin", "instruments-metrics-dtx.bin",
      "lz4block.bin", "notifyOfPublishedCapabilites", "nsmutablestring.bin", "nsnull.bin",
      "requestChannelWithCodeIdentifier.bin", "unknown-d-h-h-message.bin");

  /** What a device sent to a host. */
  public static final List<String> DTX_FROM_DEVICE = List.of("conn-in2.dump", "conn-in4.dump",
      "instruments-metrics-dtx.bin", "lz4block.bin", "fragmentedmessage.bin", "notifyOfPublishedCapabilites",
      "dtactivitytapmessage.bin");

  /** What a host sent to a device. */
  public static final List<String> DTX_FROM_HOST = List.of("conn-out2.dump", "conn-out4.dump",
      "requestChannelWithCodeIdentifier.bin", "nsmutablestring.bin", "nsnull.bin", "unknown-d-h-h-message.bin");

  /** Every recorded NSKeyedArchiver archive (binary and XML, the broken ones too). */
  public static final List<String> ARCHIVES = List.of("DTSysmonTapMessage.bin", "DTTapHeartbeatMessage.bin",
      "XCActivityRecord.bin", "XCTCapabilities.bin", "arrays.bin", "arrays.xml", "ax_focus_on_element.bin",
      "ax_statechange.bin", "broken_plist.xml", "dict.bin", "dict.xml", "dtcpuclusterinfo.bin", "dttapmessage.bin",
      "dttapstatusmessage.bin", "int64-value-in-nskeyedarchive.bin", "missing_archiver.xml", "missing_objects.xml",
      "missing_top.xml", "missing_version.xml", "nestedarrays.bin", "nestedarrays.xml", "nsuuid.bin", "nsvalue.bin",
      "onevalue.bin", "onevalue.xml", "primitives.bin", "primitives.xml", "uint64-key-dictionary.bin",
      "wrong_archiver.xml", "wrong_version.xml", "xctestconfiguration.bin", "xctestidentifier.bin");

  /** The recorded XPC messages. */
  public static final List<String> XPC = List.of("xpc_dict.bin", "xpc_empty_dict.bin");

  private FuzzSeeds() {}

  /** The bytes of {@code /fixtures/go-ios/<dir>/<name>}. */
  public static byte[] fixture(String dir, String name) {
    String path = "/fixtures/go-ios/" + dir + "/" + name;
    try (InputStream in = FuzzSeeds.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Named arguments for {@code @MethodSource}, one per fixture in {@code dir}. */
  public static Stream<Arguments> fixtures(String dir, List<String> names) {
    return names.stream().map(n -> named(dir + "/" + n, fixture(dir, n)));
  }

  /** One named {@code byte[]} argument. */
  public static Arguments named(String name, byte[] bytes) {
    return Arguments.of(Named.of(name, bytes));
  }

  /** The readable bytes of {@code b}, which is released. */
  public static byte[] drain(ByteBuf b) {
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  /**
   * The messages of a recorded DTX stream, cut apart at their fragment headers (no decoding: a fixture whose
   * headers do not add up ends the list). Each element is one fragment's header and body.
   */
  public static List<byte[]> dtxFragments(byte[] stream) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
    while (b.remaining() >= 32 && b.getInt(b.position()) == 0x1F3D5B79) {
      int headerLength = b.getInt(b.position() + 4);
      int fragmentCount = Short.toUnsignedInt(b.getShort(b.position() + 10));
      int fragmentIndex = Short.toUnsignedInt(b.getShort(b.position() + 8));
      long bodyLength = Integer.toUnsignedLong(b.getInt(b.position() + 12));
      long size = headerLength + (fragmentCount > 1 && fragmentIndex == 0 ? 0 : bodyLength);
      if (headerLength < 32 || size > b.remaining()) {
        break;
      }
      out.add(Arrays.copyOfRange(stream, b.position(), (int) (b.position() + size)));
      b.position((int) (b.position() + size));
    }
    return out;
  }

  /**
   * The (aux, payload) sections of every message in a recorded stream, the bodies of multi-fragment messages joined
   * first: a body starts with a 16-byte payload header (flags, aux length, total length), then the aux, then the
   * payload (still compressed when the message was).
   */
  public static List<byte[][]> dtxSections(byte[] stream) {
    List<byte[][]> out = new ArrayList<>();
    java.util.Map<Integer, java.io.ByteArrayOutputStream> partial = new java.util.HashMap<>();
    for (byte[] f : dtxFragments(stream)) {
      ByteBuffer h = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
      int headerLength = h.getInt(4);
      int index = Short.toUnsignedInt(h.getShort(8));
      int count = Short.toUnsignedInt(h.getShort(10));
      int identifier = h.getInt(16);
      byte[] body;
      if (count <= 1) {
        body = Arrays.copyOfRange(f, headerLength, f.length);
      } else if (index == 0) {
        partial.put(identifier, new java.io.ByteArrayOutputStream());
        continue;
      } else {
        java.io.ByteArrayOutputStream joined = partial.get(identifier);
        if (joined == null) {
          continue;
        }
        joined.write(f, headerLength, f.length - headerLength);
        if (index != count - 1) {
          continue;
        }
        body = partial.remove(identifier).toByteArray();
      }
      if (body.length < 16) {
        continue;
      }
      ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
      int auxLength = b.getInt(4);
      long total = b.getLong(8);
      if (auxLength < 0 || total < auxLength || 16 + total > body.length) {
        continue;
      }
      out.add(new byte[][] {Arrays.copyOfRange(body, 16, 16 + auxLength),
          Arrays.copyOfRange(body, 16 + auxLength, (int) (16 + total))});
    }
    return out;
  }

  /**
   * Cuts {@code length} bytes into pieces at points drawn from the input itself, so one input is always fed the
   * same way: the ends of the pieces, ascending, the last one {@code length}.
   */
  public static int[] splits(byte[] input) {
    Random random = new Random(Arrays.hashCode(input));
    int pieces = 1 + random.nextInt(Math.min(8, Math.max(1, input.length)));
    int[] ends = new int[pieces];
    for (int i = 0; i < pieces - 1; i++) {
      ends[i] = input.length == 0 ? 0 : random.nextInt(input.length + 1);
    }
    ends[pieces - 1] = input.length;
    Arrays.sort(ends);
    return ends;
  }
}
