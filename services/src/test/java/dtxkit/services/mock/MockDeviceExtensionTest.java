package dtxkit.services.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dtxkit.runtime.DtxConnection;
import dtxkit.services.Instruments;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.screenshot.Screenshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A configured extension: the test's own screenshot service, and every kind of injection. */
class MockDeviceExtensionTest {

    private static final byte[] IMAGE = {'I', 'I', 42, 0, 8, 0, 0, 0};

    @RegisterExtension
    static final MockDeviceExtension MOCK = MockDeviceExtension.configured(b -> b.service(Screenshot.class,
            () -> IMAGE.clone()));

    MockDevice device;
    Instruments instruments;
    DtxConnection connection;
    Screenshot screenshot;

    @Test
    void fieldsAndParametersShareOneDeviceAndClient(MockDevice d, Instruments i, DtxConnection c, DeviceInfo info) {
        assertSame(device, d);
        assertSame(instruments, i);
        assertSame(connection, c);
        assertSame(instruments.connection(), connection);
        assertEquals("/sbin/launchd", info.execnameForPid(1));
        assertEquals(device.udid(), instruments.peerInfo().udid());
    }

    @Test
    void theTestsOwnServiceIsServed() {
        assertArrayEquals(IMAGE, screenshot.takeScreenshot());
        assertArrayEquals(IMAGE, instruments.screenshot());
    }
}
