package dtxkit.runtime.internal;

/**
 * Checks a binary property list for the one malformation dd-plist reports by printing to {@code System.err} instead
 * of throwing ("BinaryPropertyListParser: Length integer has an unexpected type"): an object whose length is marked
 * extended ({@code 0x?F}) but is not followed by an integer. Callers reject such input with their own protocol error
 * before handing it to dd-plist, so a peer cannot make the library write to the process's standard error.
 */
public final class BinaryPlists {
  private static final int TRAILER = 32;

  private BinaryPlists() {}

  /**
   * Describes the first object whose extended length is not an integer, or returns null when there is none (or the
   * input is not a binary plist whose structure dd-plist would get as far as the objects of: dd-plist rejects that
   * itself).
   */
  public static String malformedLength(byte[] data) {
    int length = data.length;
    if (length < 8 + TRAILER || data[0] != 'b' || data[1] != 'p' || data[2] != 'l' || data[3] != 'i'
        || data[4] != 's' || data[5] != 't') {
      return null;
    }
    int trailer = length - TRAILER;
    int offsetSize = data[trailer + 6] & 0xFF;
    long objects = readLong(data, trailer + 8);
    long tableOffset = readLong(data, trailer + 24);
    if (offsetSize < 1 || offsetSize > 8 || objects <= 0 || tableOffset < 8 || tableOffset >= trailer
        || objects > (trailer - tableOffset) / offsetSize) {
      return null;
    }
    for (int i = 0; i < objects; i++) {
      long offset = readUnsigned(data, (int) tableOffset + i * offsetSize, offsetSize);
      if (offset < 8 || offset >= trailer) {
        continue;
      }
      int marker = data[(int) offset] & 0xFF;
      int type = marker >> 4;
      boolean sized = type >= 0x4 && type <= 0x7 || type >= 0xA && type <= 0xD;
      if (sized && (marker & 0x0F) == 0x0F) {
        int next = (int) offset + 1;
        if (next >= trailer || (data[next] & 0xF0) != 0x10) {
          return String.format("object %d at offset %d (marker 0x%02X) declares an extended length, but %s", i,
              offset, marker, next >= trailer ? "the objects end there"
                  : String.format("0x%02X at offset %d is not an integer marker (0x1N)", data[next] & 0xFF, next));
        }
      }
    }
    return null;
  }

  private static long readLong(byte[] data, int at) {
    return readUnsigned(data, at, 8);
  }

  private static long readUnsigned(byte[] data, int at, int size) {
    long value = 0;
    for (int i = 0; i < size; i++) {
      value = value << 8 | (data[at + i] & 0xFF);
    }
    return value;
  }
}
