package dtxkit.runtime.rsd.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host UUID sent in the RSD {@code Handshake}. A device closes its service listeners when a host's UUID changes
 * between connections, so the UUID is created once and kept in a file: {@code $XDG_CONFIG_HOME/dtxkit/host-uuid},
 * else {@code ~/.config/dtxkit/host-uuid}; the system property {@code dtxkit.hostUuidFile} overrides the path.
 *
 * <p>When that file cannot be read or written (a read-only or missing home, a path under {@code /proc}),
 * {@link #loadOrFallback(Path)} says what failed in one log line and uses a UUID kept in memory for the life of the
 * process, so that device commands still work.
 */
public final class HostUuidStore {
  private static final Logger log = LoggerFactory.getLogger(HostUuidStore.class);
  private static final UUID IN_MEMORY = UUID.randomUUID();
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

  private HostUuidStore() {}

  /**
   * {@link #loadOrCreate(Path)}, or, when the file cannot be used, the process's in-memory host UUID (the same for
   * every call in this process) after one WARN line per file naming what failed.
   *
   * @param file where the UUID is kept
   * @return the persisted UUID, or the in-memory one
   */
  public static UUID loadOrFallback(Path file) {
    try {
      return loadOrCreate(file);
    } catch (IOException e) {
      if (WARNED.add(file)) {
        log.warn("{}; using an in-memory host UUID for this process (a device may close its service listeners"
            + " when the host UUID changes between runs; set -Ddtxkit.hostUuidFile to a writable file)",
            e.getMessage());
      }
      return IN_MEMORY;
    }
  }

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
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new IOException("cannot read the host UUID file " + file + ": " + describe(e), e);
      }
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
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException("cannot create the directory " + dir + " for the host UUID file: " + describe(e), e);
    }
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, "host-uuid", ".tmp");
    } catch (IOException e) {
      throw new IOException("cannot write the host UUID file " + file + ": " + describe(e), e);
    }
    try {
      Files.writeString(tmp, uuid.toString().toUpperCase() + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new IOException("cannot write the host UUID file " + file + ": " + describe(e), e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** NIO exceptions often say only the path: name the kind of failure too. */
  private static String describe(IOException e) {
    String kind;
    if (e instanceof java.nio.file.AccessDeniedException) {
      kind = "permission denied";
    } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
      kind = "a file is in the way";
    } else if (e instanceof java.nio.file.NoSuchFileException) {
      kind = "no such file or directory";
    } else if (e instanceof java.nio.file.NotDirectoryException) {
      kind = "not a directory";
    } else {
      kind = e.getClass().getSimpleName();
    }
    String reason = e instanceof java.nio.file.FileSystemException f && f.getReason() != null
        ? " (" + f.getReason() + ")" : "";
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return kind + reason + message;
  }
}
