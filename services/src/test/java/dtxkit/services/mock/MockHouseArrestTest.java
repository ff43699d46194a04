package dtxkit.services.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.services.lockdown.AfcClient;
import dtxkit.services.lockdown.AfcPacket;
import dtxkit.services.lockdown.HouseArrest;
import dtxkit.services.lockdown.LockdownServiceException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** house_arrest: AFC inside a user app's container, where a test runner's configuration file goes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MockHouseArrestTest {

  @Test
  void aFileWrittenInTheRunnersContainerIsWhereTheRunnerLooks() throws Exception {
    try (MockDevice device = MockDevice.start();
        AfcClient afc = HouseArrest.vendContainer(device.openLockdownService(HouseArrest.SERVICE),
            MockDevice.UI_TESTS_RUNNER)) {
      byte[] config = "an archived configuration".getBytes(StandardCharsets.UTF_8);
      afc.upload("/tmp/UITests-1.xctestconfiguration", new ByteArrayInputStream(config), config.length, n -> { });
      String container = MockInstallationProxy.container(MockDevice.UI_TESTS_RUNNER);
      assertArrayEquals(config, device.state().file(container + "/tmp/UITests-1.xctestconfiguration"));
      assertEquals(List.of("UITests-1.xctestconfiguration"), device.state().list(container + "/tmp"));
      // ".." stops at the container: nothing outside it can be reached.
      afc.upload("/../../../../Media/escape.txt", new ByteArrayInputStream(config), config.length, n -> { });
      assertNull(device.state().file("escape.txt"));
      assertArrayEquals(config, device.state().file(container + "/Media/escape.txt"));
    }
  }

  @Test
  void listAndRemoveAsAppiumIosDeviceDoes() throws Exception {
    try (MockDevice device = MockDevice.start()) {
      String container = MockInstallationProxy.container(MockDevice.WDA_RUNNER);
      device.state().makeDirectory(container + "/tmp");
      device.putFile(container + "/tmp/old.xctestconfiguration", new byte[] {1, 2, 3});
      var raw = device.openLockdownService(HouseArrest.SERVICE);
      com.dd.plist.NSDictionary vend = new com.dd.plist.NSDictionary();
      vend.put("Command", "VendContainer");
      vend.put("Identifier", MockDevice.WDA_RUNNER);
      raw.send(vend);
      assertEquals("Complete", raw.receive().get("Status").toJavaObject());
      new AfcPacket(1, AfcPacket.READ_DIR, "/tmp".getBytes(StandardCharsets.UTF_8), new byte[0]).write(raw.output());
      raw.output().flush();
      AfcPacket listing = AfcPacket.read(raw.input(), 1 << 20, 0);
      assertEquals(AfcPacket.DATA, listing.operation());
      assertEquals(".\0..\0old.xctestconfiguration\0", new String(listing.data(), StandardCharsets.UTF_8));
      new AfcPacket(2, AfcPacket.REMOVE_PATH_AND_CONTENTS, "/tmp/old.xctestconfiguration".getBytes(
          StandardCharsets.UTF_8), new byte[0]).write(raw.output());
      raw.output().flush();
      AfcPacket removed = AfcPacket.read(raw.input(), 1 << 20, 0);
      assertEquals(AfcPacket.STATUS, removed.operation());
      assertNull(device.state().file(container + "/tmp/old.xctestconfiguration"));
      raw.close();
    }
  }

  @Test
  void onlyUserAppsHaveAContainerToVend() throws Exception {
    try (MockDevice device = MockDevice.start()) {
      LockdownServiceException refused = assertThrows(LockdownServiceException.class,
          () -> HouseArrest.vendContainer(device.openLockdownService(HouseArrest.SERVICE), "com.apple.mobilesafari"));
      assertEquals("ApplicationLookupFailed", refused.error());
      assertTrue(MockDevice.lockdownServiceNames().contains(HouseArrest.SERVICE));
    }
  }
}
