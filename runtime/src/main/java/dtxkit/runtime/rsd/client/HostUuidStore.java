package dtxkit.runtime.rsd.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The host UUID sent in the RSD {@code Handshake}. A device closes its service listeners when a host's UUID changes
 * between connections, so the UUID is created once and kept in a file: {@code $XDG_CONFIG_HOME/dtxkit/host-uuid},
 * else {@code ~/.config/dtxkit/host-uuid}; the system property {@code dtxkit.hostUuidFile} overrides the path.
 */
public final class HostUuidStore {
  private HostUuidStore() {}

  /** The default file, as described above. */
  public static Path defaultFile() {
    String override = System.getProperty("dtxkit.hostUuidFile");
    if (override != null && !override.isEmpty()) {
      return Paths.get(override);
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".config");
    return base.resolve("dtxkit").resolve("host-uuid");
  }

  /**
   * Reads the UUID from {@code file}, or creates, stores and returns a new one when the file does not exist.
   *
   * @throws IOException when the file exists but does not hold a UUID, or cannot be written
   */
  public static UUID loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      String text = Files.readString(file, StandardCharsets.UTF_8).trim();
      try {
        return UUID.fromString(text);
      } catch (IllegalArgumentException e) {
        throw new IOException("host UUID file " + file + " does not hold a UUID: \"" + text + "\"", e);
      }
    }
    UUID uuid = UUID.randomUUID();
    store(file, uuid);
    return uuid;
  }

  /** Writes {@code uuid} to {@code file} (atomically where the file system allows), creating directories. */
  public static void store(Path file, UUID uuid) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "host-uuid", ".tmp");
    try {
      Files.writeString(tmp, uuid.toString().toUpperCase() + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
