package dtxkit.runtime.rsd.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10 item 7: an unusable config directory says what failed and falls back to an in-memory host UUID. */
class HostUuidStoreTest {

  @Test
  void anUnwritableLocationIsNamedWithWhatFailed(@TempDir Path dir) throws Exception {
    // A regular file where the directory should be: fails as root too, unlike a permission bit.
    Path blocker = Files.writeString(dir.resolve("config"), "a file, not a directory");
    Path file = blocker.resolve("dtxkit").resolve("host-uuid");
    IOException e = assertThrows(IOException.class, () -> HostUuidStore.loadOrCreate(file));
    assertTrue(e.getMessage().startsWith("cannot create the directory " + file.getParent()
        + " for the host UUID file: "), e.getMessage());
    assertTrue(e.getMessage().length() > ("cannot create the directory " + file.getParent()
        + " for the host UUID file: ").length(), "the reason follows: " + e.getMessage());
  }

  @Test
  void anUnwritableLocationFallsBackToOneInMemoryUuid(@TempDir Path dir) throws Exception {
    Path blocker = Files.writeString(dir.resolve("config"), "a file, not a directory");
    Path file = blocker.resolve("dtxkit").resolve("host-uuid");
    UUID first = HostUuidStore.loadOrFallback(file);
    assertNotNull(first);
    assertEquals(first, HostUuidStore.loadOrFallback(file), "the same UUID for the life of the process");
    assertEquals(first, HostUuidStore.loadOrFallback(dir.resolve("config/other/host-uuid")));
    assertTrue(Files.isRegularFile(blocker), "nothing was written");
  }

  @Test
  void aWritableLocationIsStillPersisted(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("dtxkit/host-uuid");
    UUID uuid = HostUuidStore.loadOrFallback(file);
    assertEquals(uuid.toString().toUpperCase(), Files.readString(file).trim());
    assertEquals(uuid, HostUuidStore.loadOrFallback(file));
  }
}
