package dtxkit.runtime.archive;

/**
 * Reads every object of a binary plist on its own with dtxkit's reader ({@link BinaryPlist}), as dd-plist reads
 * every object the plist's top reaches: what {@code archiveReaders} uses to tell ours' laziness (it reads only what
 * the archive's {@code $top} reaches) from leniency, when ours decodes an archive that dd-plist refuses.
 */
final class PlistObjects {
  private PlistObjects() {}

  /**
   * Ours' refusals of the objects it cannot read on its own, in object order (or the refusal of the trailer and offset
   * table, alone); empty when it reads every object.
   */
  static java.util.List<String> refusals(byte[] plist) {
    BinaryPlist p;
    try {
      p = new BinaryPlist(plist, 0, plist.length);
    } catch (ArchiveFormatException e) {
      return java.util.List.of(e.getMessage());
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < p.objectCount; i++) {
      String field = "object " + i;
      try {
        int o = p.offsetOf(i);
        int m = p.marker(o);
        switch (m & 0xF0) {
          case BinaryPlist.NULL -> {
            // Only the booleans are values to ours' reader: the null marker and the fill byte are refused where a
            // value must be ("bad value nothing", "an object of unknown type"), as the other reserved markers are.
            if (m != 0x08 && m != 0x09) {
              throw BinaryPlist.error(field, m == 0 ? "bad value nothing" : "an object of unknown type", o);
            }
          }
          case BinaryPlist.INT -> {
            // Wider than 16 bytes is ours' refusal by design (dd-plist reads it), unless its bytes are not there,
            // which dd-plist refuses too ("larger than the amount of available data").
            if (o + 1 + (1L << (m & 0x0F)) > plist.length) {
              throw BinaryPlist.error(field, "integer of " + (1L << (m & 0x0F)) + " bytes runs past the data", o);
            }
            p.intValue(o, field);
          }
          case BinaryPlist.REAL -> p.realValue(o, field);
          case BinaryPlist.DATE -> p.dateValue(o, field);
          case BinaryPlist.DATA -> p.dataValue(o, field);
          case BinaryPlist.ASCII, BinaryPlist.UTF16 -> p.stringValue(o, field);
          case BinaryPlist.UID -> p.uidValue(o, field);
          case BinaryPlist.ARRAY, BinaryPlist.ORDERED_SET, BinaryPlist.SET -> refs(p, o, 1, field);
          case BinaryPlist.DICT -> refs(p, o, 2, field);
          default -> throw BinaryPlist.error(field, "an object of unknown type", o);
        }
      } catch (ArchiveFormatException e) {
        out.add(e.getMessage());
      }
    }
    return out;
  }

  /** Checks each reference of a container ({@code perElement} references per element: 2 for a dictionary). */
  private static void refs(BinaryPlist p, int offset, int perElement, String field) throws ArchiveFormatException {
    int n = p.count(offset, perElement * p.refSize, field);
    int content = p.contentOffset(offset);
    for (int k = 0; k < n * perElement; k++) {
      p.ref(content + k * p.refSize, field);
    }
  }
}
