package dtxkit.runtime.archive;

import java.util.List;

/** Built-in codecs for the Foundation value classes beyond collections, and the DTX and XCTest classes. */
final class MoreCodecs {
  private MoreCodecs() {}

  static List<ArchiveClassCodec<?>> all() {
    return List.of();
  }
}
