package dtxkit.runtime.lockdown;

import dtxkit.runtime.usbmux.UsbmuxClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the pair record for a device: first from usbmuxd ({@code ReadPairRecord}), then in the folders other tools
 * keep them in, by UDID ({@code UDID.plist}): {@code /var/db/lockdown} (macOS), {@code /var/lib/lockdown}
 * (libimobiledevice on Linux), {@code ~/Library/Lockdown}, {@code ~/.pymobiledevice3} (pymobiledevice3), and on
 * Windows {@code %ALLUSERSPROFILE%\Apple\Lockdown}.
 */
public final class PairRecordStore {
  private final List<Path> folders;

  /**
   * A store searching these folders in order.
   *
   * @param folders the folders
   */
  public PairRecordStore(List<Path> folders) {
    this.folders = List.copyOf(folders);
  }

  /** The usual folders of this machine, in the order above. */
  public static PairRecordStore defaults() {
    List<Path> folders = new ArrayList<>();
    folders.add(Path.of("/var/db/lockdown"));
    folders.add(Path.of("/var/lib/lockdown"));
    String home = System.getProperty("user.home");
    if (home != null) {
      folders.add(Path.of(home, "Library", "Lockdown"));
      folders.add(Path.of(home, ".pymobiledevice3"));
    }
    String allUsers = System.getenv("ALLUSERSPROFILE");
    if (allUsers != null) {
      folders.add(Path.of(allUsers, "Apple", "Lockdown"));
    }
    return new PairRecordStore(folders);
  }

  /** The folders searched. */
  public List<Path> folders() {
    return folders;
  }

  /**
   * The record for a UDID from the folders.
   *
   * @param udid the device's UDID
   * @return the record, or empty when no folder has {@code UDID.plist}
   * @throws IOException when a file exists but cannot be read or parsed (naming the file)
   */
  public Optional<PairRecord> find(String udid) throws IOException {
    Objects.requireNonNull(udid, "udid");
    if (udid.isEmpty() || udid.contains("/") || udid.contains("\\") || udid.contains("..")) {
      throw new IllegalArgumentException("not a UDID: '" + udid + "'");
    }
    for (Path folder : folders) {
      Path file = folder.resolve(udid + ".plist");
      if (Files.isRegularFile(file)) {
        try {
          return Optional.of(PairRecord.parse(Files.readAllBytes(file)));
        } catch (IOException e) {
          throw new IOException("pair record " + file + ": " + e.getMessage(), e);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The record from usbmuxd if it has one, else from the folders.
   *
   * @param usbmux the usbmuxd client (null: folders only)
   * @param udid the UDID
   * @return the record
   * @throws LockdownException.NotPairedException when neither has one: pair the device
   * @throws IOException when usbmuxd fails or a record is malformed
   */
  public PairRecord require(UsbmuxClient usbmux, String udid) throws IOException {
    if (usbmux != null) {
      Optional<byte[]> bytes = usbmux.readPairRecord(udid);
      if (bytes.isPresent()) {
        return PairRecord.parse(bytes.get());
      }
    }
    Optional<PairRecord> found = find(udid);
    if (found.isPresent()) {
      return found.get();
    }
    throw new LockdownException.NotPairedException("pair record lookup", "no pair record for " + udid,
        "neither usbmuxd nor " + folders + " has one: pair the device (dtxkit pair) and tap Trust on it");
  }

  /**
   * Writes a record as {@code UDID.plist} in a folder (pymobiledevice3's layout).
   *
   * @param folder the folder (created if missing)
   * @param udid the UDID
   * @param record the record
   * @return the file written
   * @throws IOException when writing fails
   */
  public static Path save(Path folder, String udid, PairRecord record) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(udid + ".plist");
    Files.write(file, record.toBytes());
    return file;
  }
}
