package dtxkit.services.lockdown;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dtxkit.services.applications.AppInfo;
import dtxkit.services.mock.MockDevice;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** house_arrest against the mock: an app's container vended as AFC, and the refusals a device gives. */
class HouseArrestTest {

  private static final String APP = "com.example.runner.xctrunner";

  private static MockDevice mock() throws Exception {
    return MockDevice.builder().app(new AppInfo(APP, "Runner", "Runner-Runner",
        "/private/var/containers/Bundle/Application/X/Runner-Runner.app", "1.0", "User", false, false, null, null))
        .start();
  }

  @Test
  void aFileWrittenIntoTheContainerIsWhereInstallationProxySaysTheContainerIs() throws Exception {
    try (MockDevice mock = mock()) {
      String container;
      try (InstallationProxy apps = new InstallationProxy(mock.openLockdownService(InstallationProxy.SERVICE))) {
        container = apps.lookup(null, List.of(APP)).get(APP).container();
      }
      byte[] content = "<plist/>".getBytes(StandardCharsets.UTF_8);
      try (AfcClient afc = HouseArrest.vendContainer(mock.openLockdownService(HouseArrest.SERVICE), APP)) {
        afc.makeDirectory("tmp");
        afc.upload("tmp/S.xctestconfiguration", new ByteArrayInputStream(content), content.length, n -> {});
      }
      assertArrayEquals(content, mock.file(container + "/tmp/S.xctestconfiguration"));
    }
  }

  @Test
  void unknownAndSystemAppsAreRefused() throws Exception {
    try (MockDevice mock = mock()) {
      LockdownServiceException unknown = assertThrows(LockdownServiceException.class,
          () -> HouseArrest.vendContainer(mock.openLockdownService(HouseArrest.SERVICE), "com.example.nothere"));
      assertEquals("ApplicationLookupFailed", unknown.error());
      assertEquals("com.apple.mobile.house_arrest VendContainer com.example.nothere failed: ApplicationLookupFailed",
          unknown.getMessage());
      LockdownServiceException system = assertThrows(LockdownServiceException.class,
          () -> HouseArrest.vendDocuments(mock.openLockdownService(HouseArrest.SERVICE), "com.apple.mobilesafari"));
      assertEquals("ApplicationLookupFailed", system.error());
    }
  }
}
