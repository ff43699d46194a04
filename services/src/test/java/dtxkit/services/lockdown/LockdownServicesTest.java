package dtxkit.services.lockdown;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import dtxkit.services.Instruments;
import dtxkit.services.mock.MockDevice;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** installation_proxy, syslog_relay and mobile_image_mounter: the clients against the mock device's servers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LockdownServicesTest {

  static byte[] ipa(String bundleId, String executable, String version) throws IOException {
    NSDictionary info = new NSDictionary();
    info.put("CFBundleIdentifier", bundleId);
    info.put("CFBundleExecutable", executable);
    info.put("CFBundleShortVersionString", version);
    info.put("CFBundleDisplayName", executable);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("Payload/" + executable + ".app/" + executable));
      zip.write(new byte[] {(byte) 0xCF, (byte) 0xFA, (byte) 0xED, (byte) 0xFE});
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("Payload/" + executable + ".app/Info.plist"));
      zip.write(info.toXMLPropertyList().getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }

  @Test
  void browseListsAppsWithPathsButNoExtensions() throws Exception {
    try (MockDevice mock = MockDevice.start();
        InstallationProxy proxy = new InstallationProxy(mock.openLockdownService(InstallationProxy.SERVICE))) {
      List<InstalledApp> apps = proxy.browse("Any");
      assertEquals(mock.apps().size() - 1, apps.size(), "every app but the one extension");
      InstalledApp safari = apps.stream().filter(a -> a.bundleIdentifier().equals("com.apple.mobilesafari"))
          .findFirst().orElseThrow();
      assertEquals("System", safari.type());
      assertEquals("/Applications/MobileSafari.app", safari.path());
      assertEquals("Safari", safari.name());
      assertNull(safari.container(), "system apps have no data container");
      assertEquals(List.of(MockDevice.EXAMPLE_APP, MockDevice.UI_TESTS_RUNNER, MockDevice.WDA_RUNNER),
          proxy.browse("User").stream().map(InstalledApp::bundleIdentifier).toList(),
          "the user apps: the app under test and the two test runners");
    }
  }

  @Test
  void installThenLookupThenLaunchThenUninstall() throws Exception {
    try (MockDevice mock = MockDevice.start();
        InstallationProxy proxy = new InstallationProxy(mock.openLockdownService(InstallationProxy.SERVICE))) {
      mock.putFile("PublicStaging/Demo.ipa", ipa("com.example.demo", "Demo", "2.1"));
      List<InstallProgress> progress = new ArrayList<>();
      proxy.install("PublicStaging/Demo.ipa", progress::add);
      assertEquals("Complete", progress.get(progress.size() - 1).status());
      for (int i = 1; i < progress.size() - 1; i++) {
        assertTrue(progress.get(i).percent() >= progress.get(i - 1).percent(), "progress never goes back");
      }
      Map<String, InstalledApp> found = proxy.lookup(null, List.of("com.example.demo", "com.example.absent"));
      assertEquals(List.of("com.example.demo"), List.copyOf(found.keySet()));
      InstalledApp demo = found.get("com.example.demo");
      assertEquals("User", demo.type());
      assertEquals("2.1", demo.version());
      assertTrue(demo.path().matches("/private/var/containers/Bundle/Application/[0-9A-F-]{36}/Demo\\.app"),
          demo.path());
      assertTrue(demo.container().startsWith("/private/var/mobile/Containers/Data/Application/"),
          demo.container());
      try (Instruments instruments = mock.connect()) {
        int pid = instruments.launch("com.example.demo");
        assertTrue(instruments.processes().stream().anyMatch(p -> p.pid() == pid));
      }
      List<InstallProgress> removal = new ArrayList<>();
      proxy.uninstall("com.example.demo", removal::add);
      assertEquals("Complete", removal.get(removal.size() - 1).status());
      assertTrue(proxy.lookup(null, List.of("com.example.demo")).isEmpty());
      assertTrue(mock.apps().stream().noneMatch(a -> a.bundleIdentifier().equals("com.example.demo")));
    }
  }

  @Test
  void uploadThroughAfcThenInstall() throws Exception {
    try (MockDevice mock = MockDevice.start();
        AfcClient afc = new AfcClient(mock.openLockdownService(AfcClient.SERVICE));
        InstallationProxy proxy = new InstallationProxy(mock.openLockdownService(InstallationProxy.SERVICE))) {
      byte[] ipa = ipa("com.example.uploaded", "Uploaded", "3.0");
      afc.makeDirectory("PublicStaging");
      List<Long> sent = new ArrayList<>();
      afc.upload("PublicStaging/Uploaded.ipa", new ByteArrayInputStream(ipa), ipa.length, sent::add);
      assertEquals(ipa.length, sent.get(sent.size() - 1));
      proxy.install("PublicStaging/Uploaded.ipa", p -> { });
      assertEquals("3.0", proxy.lookup("User", List.of("com.example.uploaded")).get("com.example.uploaded")
          .version());
    }
  }

  @Test
  void afcRefusesAStreamWithoutItsMagic() throws Exception {
    try (MockDevice mock = MockDevice.start()) {
      ServiceConnection raw = mock.openLockdownService(AfcClient.SERVICE);
      raw.output().write(new byte[40]);
      raw.output().flush();
      assertEquals(-1, raw.input().read(), "the mock closes a stream that is not AFC");
      raw.close();
    }
  }

  @Test
  void refusalsNameTheDevicesError() throws Exception {
    try (MockDevice mock = MockDevice.start();
        InstallationProxy proxy = new InstallationProxy(mock.openLockdownService(InstallationProxy.SERVICE))) {
      LockdownServiceException missing = assertThrows(LockdownServiceException.class,
          () -> proxy.install("PublicStaging/Nothing.ipa", p -> { }));
      assertEquals("PackageExtractionFailed", missing.error());
      mock.putFile("PublicStaging/Broken.ipa", "not a zip".getBytes(StandardCharsets.UTF_8));
      assertEquals("PackageInspectionFailed", assertThrows(LockdownServiceException.class,
          () -> proxy.install("PublicStaging/Broken.ipa", p -> { })).error());
      assertEquals("UninstallProhibited", assertThrows(LockdownServiceException.class,
          () -> proxy.uninstall("com.apple.mobilesafari", p -> { })).error());
      assertFalse(proxy.browse("System").isEmpty(), "the connection still answers after refusals");
    }
  }

  @Test
  void syslogStreamsLinesFromTheFakeProcesses() throws Exception {
    try (MockDevice mock = MockDevice.start();
        SyslogRelay syslog = new SyslogRelay(mock.openLockdownService(SyslogRelay.SERVICE));
        Instruments instruments = mock.connect()) {
      String first = syslog.readLine();
      assertTrue(first.matches("[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ \\S+\\[\\d+\\] <\\w+>: .*"), first);
      int pid = instruments.launch("com.apple.Maps");
      String line;
      do {
        line = syslog.readLine();
      } while (!line.contains("Bootstrapping com.apple.Maps"));
      assertTrue(line.endsWith("pid " + pid), line);
    }
  }

  @Test
  void mountsADeveloperImageOnce() throws Exception {
    try (MockDevice mock = MockDevice.builder().withoutDeveloperDiskImage().start();
        ImageMounter mounter = new ImageMounter(mock.openLockdownService(ImageMounter.SERVICE))) {
      assertFalse(mock.developerDiskImageMounted());
      assertTrue(mounter.lookup(ImageMounter.DEVELOPER).isEmpty());
      byte[] image = new byte[300_000];
      for (int i = 0; i < image.length; i++) {
        image[i] = (byte) (i * 31);
      }
      byte[] signature = "signature bytes".getBytes(StandardCharsets.UTF_8);
      List<Long> sent = new ArrayList<>();
      assertTrue(mounter.mount(ImageMounter.DEVELOPER, new ByteArrayInputStream(image), image.length, signature,
          sent::add));
      assertEquals(image.length, sent.get(sent.size() - 1));
      assertTrue(mock.developerDiskImageMounted());
      List<byte[]> mounted = mounter.lookup(ImageMounter.DEVELOPER);
      assertEquals(1, mounted.size());
      assertArrayEquals(signature, mounted.get(0));
      assertFalse(mounter.mount(ImageMounter.DEVELOPER, new ByteArrayInputStream(image), image.length, signature,
          n -> { }), "already mounted: nothing to do");
      mounter.hangup();
    }
  }
}
