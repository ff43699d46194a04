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
   *
   * <p>It checks every object dd-plist (1.30) could parse, reachable or not: the trailer read as dd-plist reads it
   * (each field's low 32 bits; it refuses a zero offset or reference size, more than 2^31-1 objects, a top object
   * or table offset out of the data, a table of that many entries plus one past the end), then each offset-table
   * entry (the entry's low 32 bits as an int) that dd-plist would accept as an object offset (8 up to the table's
   * own offset, with a byte after the marker). An earlier version checked only plists whose trailer is also
   * well-formed by dtxkit's stricter rules, and only offsets before the trailer, so a peer could still make dd-plist
   * print through a plist with, for example, more objects declared than its offset table holds (fuzz target
   * {@code ArchiveFuzzTargetsTest.archiveReaders}, once it failed on any output to {@code System.err}).
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
    long objects = readLong(data, trailer + 8) & 0xFFFFFFFFL;
    long top = readLong(data, trailer + 16) & 0xFFFFFFFFL;
    long tableOffset = readLong(data, trailer + 24) & 0xFFFFFFFFL;
    if (offsetSize < 1 || refSize < 1 || objects > Integer.MAX_VALUE || top >= trailer || tableOffset > length
        || tableOffset + (objects + 1) * offsetSize > length) {
      return null;
    }
    for (int i = 0; i < objects; i++) {
      int entry = (int) tableOffset + i * offsetSize;
      // dd-plist keeps the low 32 bits of an entry of any size, as an int.
      int offset = (int) (readUnsigned(data, entry, offsetSize) & 0xFFFFFFFFL);
      if (offset < 8 || offset > tableOffset || offset + 1 >= length) {
        continue;
      }
      int marker = data[offset] & 0xFF;
      int type = marker >> 4;
      boolean sized = type >= 0x4 && type <= 0x7 || type >= 0xA && type <= 0xD;
      if (sized && (marker & 0x0F) == 0x0F) {
        int next = offset + 1;
        if ((data[next] & 0xF0) != 0x10) {
          return String.format("object %d at offset %d (marker 0x%02X) declares an extended length, but 0x%02X at"
              + " offset %d is not an integer marker (0x1N)", i, offset, marker, data[next] & 0xFF, next);
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
