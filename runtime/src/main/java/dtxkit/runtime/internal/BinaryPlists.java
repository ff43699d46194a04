package dtxkit.runtime.internal;

/**
 * Checks a binary property list for what dd-plist reports by printing to {@code System.err} instead of throwing
 * ("BinaryPropertyListParser: Length integer has an unexpected type"): an object whose length is marked extended
 * ({@code 0x?F}) but is not followed by an integer. dd-plist reaches such an object through any offset its offset
 * table gives up to the table itself, and through a trailer that does not fit the plist (an offset table running
 * into the trailer is read on, bytes past the end as zeros). So a plist is refused when its trailer is out of range in any way Apple's CoreFoundation
 * refuses too, or when any object its offset table names before the trailer has such a length. Callers (and {@link QuietPlists},
 * through which every peer's plist goes) reject such input with their own protocol error before handing it to
 * dd-plist, so a peer cannot make the library write to the process's standard error.
 */
public final class BinaryPlists {
  private static final int TRAILER = 32;

  private BinaryPlists() {}

  /**
   * Describes the first reason to refuse the plist (a trailer field out of range, or the first object whose extended
   * length is not an integer), or returns null when there is none or the input is no binary plist of at least a
   * header and a trailer.
   */
  public static String malformedLength(byte[] data) {
    int length = data.length;
    if (length < 8 + TRAILER || data[0] != 'b' || data[1] != 'p' || data[2] != 'l' || data[3] != 'i'
        || data[4] != 's' || data[5] != 't') {
      return null;
    }
    int trailer = length - TRAILER;
    int offsetSize = data[trailer + 6] & 0xFF;
    int refSize = data[trailer + 7] & 0xFF;
    long objects = readLong(data, trailer + 8);
    long top = readLong(data, trailer + 16);
    long tableOffset = readLong(data, trailer + 24);
    if (offsetSize < 1 || offsetSize > 8) {
      return "the trailer's offset size " + offsetSize + " is not 1 to 8";
    }
    if (refSize < 1 || refSize > 8) {
      return "the trailer's reference size " + refSize + " is not 1 to 8";
    }
    if (tableOffset < 9 || tableOffset >= trailer) {
      return "the trailer's offset table offset " + Long.toUnsignedString(tableOffset) + " is not 9.." + (trailer - 1);
    }
    if (objects < 1 || objects > (trailer - tableOffset) / offsetSize) {
      return "the trailer's object count " + Long.toUnsignedString(objects) + " is not 1.."
          + (trailer - tableOffset) / offsetSize + " (what the offset table's " + (trailer - tableOffset)
          + " bytes before the trailer hold)";
    }
    if (top < 0 || top >= objects) {
      return "the trailer's top object " + Long.toUnsignedString(top) + " is not 0.." + (objects - 1);
    }
    for (int i = 0; i < objects; i++) {
      // dd-plist takes the offset as an int (the low 32 bits of a wider one) and reads the object there when it is
      // not past the offset table; every such object before the trailer is checked (those between the table and
      // the trailer too, and the header's, which dd-plist's header check keeps free of such markers anyway, as
      // dtxkit's own reader checks them).
      int offset = (int) readUnsigned(data, (int) tableOffset + i * offsetSize, offsetSize);
      if (offset < 0 || offset >= trailer) {
        continue; // dd-plist refuses it, printing nothing
      }
      String bad = extendedLengthProblem(data, offset, trailer);
      if (bad != null) {
        return String.format("object %d at offset %d (marker 0x%02X) declares an extended length, but %s", i,
            offset, data[offset] & 0xFF, bad);
      }
    }
    return null;
  }

  /**
   * Why the object at {@code offset} (below {@code trailer}) cannot have the extended length its marker declares, or
   * null when it declares none or an integer marker follows before the trailer.
   */
  public static String extendedLengthProblem(byte[] data, int offset, int trailer) {
    int marker = data[offset] & 0xFF;
    int type = marker >> 4;
    boolean sized = type >= 0x4 && type <= 0x7 || type >= 0xA && type <= 0xD;
    if (!sized || (marker & 0x0F) != 0x0F) {
      return null;
    }
    int next = offset + 1;
    if (next >= trailer) {
      return "the objects end there";
    }
    if ((data[next] & 0xF0) != 0x10) {
      return String.format("0x%02X at offset %d is not an integer marker (0x1N)", data[next] & 0xFF, next);
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
