package dtxkit.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Deterministic, bounded mutations of a valid input, for fuzz tests of the peer-facing decoders.
 *
 * <p>Every list is built from a fixed seed, so a failure names a case that reproduces on every run.
 */
public final class Mutations {

  private static final int[] HUGE = {0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, 0x7FFFFFF0, 0x40000000};
  private static final byte[] BYTES = {0x00, (byte) 0xFF, (byte) 0x80, 0x7F, 0x01};

  private Mutations() {}

  /** One mutated input and how it was made, for the failure message. */
  public record Case(String name, byte[] bytes) {}

  /** Decodes one input; may throw whatever the decoder throws. */
  @FunctionalInterface
  public interface Feed {
    void accept(byte[] bytes) throws Throwable;
  }

  /**
   * The mutations of {@code seed}: truncations (every length up to 2 KiB, 256 spread lengths past the header of a
   * bigger input), each of a few byte values and huge u32 lengths at every offset
   * below {@code headerBytes}, then {@code randomCases} seeded bit flips, byte changes, duplicated or swapped chunks
   * and random tails.
   */
  public static List<Case> of(byte[] seed, int headerBytes, int randomCases, long randomSeed) {
    List<Case> out = new ArrayList<>();
    // Every length of a small input; of a big one every length in the header and 256 spread over the rest.
    int step = seed.length <= 2048 ? 1 : seed.length / 256;
    for (int n = 0; n < seed.length; n += n < headerBytes ? 1 : step) {
      out.add(new Case("truncated to " + n, Arrays.copyOf(seed, n)));
    }
    int header = Math.min(headerBytes, seed.length);
    for (int i = 0; i < header; i++) {
      for (byte b : BYTES) {
        byte[] m = seed.clone();
        m[i] = b;
        out.add(new Case("byte " + i + " = " + b, m));
      }
    }
    for (int i = 0; i + 4 <= header; i++) {
      for (int v : HUGE) {
        out.add(new Case("u32 at " + i + " = 0x" + Integer.toHexString(v), putIntLE(seed.clone(), i, v)));
      }
    }
    Random random = new Random(randomSeed);
    for (int c = 0; c < randomCases && seed.length > 0; c++) {
      byte[] m = seed.clone();
      String name;
      switch (c % 6) {
        case 0 -> {
          int flips = 1 + random.nextInt(4);
          for (int f = 0; f < flips; f++) {
            int bit = random.nextInt(m.length * 8);
            m[bit / 8] ^= (byte) (1 << (bit % 8));
          }
          name = "bit flips";
        }
        case 1 -> {
          int at = random.nextInt(m.length);
          m[at] = (byte) random.nextInt(256);
          name = "byte " + at;
        }
        case 2 -> {
          int at = random.nextInt(m.length);
          int len = 1 + random.nextInt(Math.min(64, m.length - at));
          byte[] d = new byte[m.length + len];
          System.arraycopy(m, 0, d, 0, at + len);
          System.arraycopy(m, at, d, at + len, m.length - at);
          m = d;
          name = "duplicated " + len + " at " + at;
        }
        case 3 -> {
          int a = random.nextInt(m.length);
          int b = random.nextInt(m.length);
          int len = 1 + random.nextInt(Math.max(1, Math.min(16, m.length - Math.max(a, b))));
          len = Math.min(len, m.length - Math.max(a, b));
          byte[] tmp = Arrays.copyOfRange(m, a, a + len);
          System.arraycopy(m, b, m, a, len);
          System.arraycopy(tmp, 0, m, b, len);
          name = "swapped " + len + " at " + a + "/" + b;
        }
        case 4 -> {
          int at = random.nextInt(m.length);
          for (int i = at; i < m.length; i++) {
            m[i] = (byte) random.nextInt(256);
          }
          name = "random from " + at;
        }
        default -> {
          int at = random.nextInt(Math.max(1, m.length - 3));
          if (at + 4 <= m.length) {
            putIntLE(m, at, HUGE[random.nextInt(HUGE.length)]);
          }
          name = "huge u32 at " + at;
        }
      }
      out.add(new Case("random " + c + ": " + name, m));
    }
    return out;
  }

  /** {@code count} seeded random byte strings of up to {@code maxLength} bytes, each starting with {@code prefix}. */
  public static List<Case> random(byte[] prefix, int count, int maxLength, long randomSeed) {
    Random random = new Random(randomSeed);
    List<Case> out = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      byte[] m = new byte[prefix.length + random.nextInt(maxLength + 1)];
      random.nextBytes(m);
      System.arraycopy(prefix, 0, m, 0, prefix.length);
      out.add(new Case("random bytes " + c, m));
    }
    return out;
  }

  /**
   * Feeds every case and fails on the first throwable that is not one of {@code allowed} (an Error such as
   * OutOfMemoryError or StackOverflowError, a NullPointerException, an IndexOutOfBoundsException...).
   *
   * @return how many cases were rejected with an allowed exception
   */
  @SafeVarargs
  public static int feedAll(List<Case> cases, Feed feed, Class<? extends Throwable>... allowed) {
    int rejected = 0;
    for (Case c : cases) {
      try {
        feed.accept(c.bytes());
      } catch (Throwable t) {
        if (!isAllowed(t, allowed)) {
          AssertionError e = new AssertionError("case '" + c.name() + "' (" + c.bytes().length + " bytes) threw "
              + t + "; allowed: " + Arrays.toString(allowed), t);
          fail(e.getMessage(), t);
        }
        rejected++;
      }
    }
    return rejected;
  }

  private static boolean isAllowed(Throwable t, Class<? extends Throwable>[] allowed) {
    for (Class<? extends Throwable> a : allowed) {
      if (a.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Writes {@code v} little-endian at {@code at}; returns {@code b}. */
  public static byte[] putIntLE(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
    return b;
  }
}
