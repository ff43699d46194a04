package dtxkit.services.mock;

import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.archive.NSError;
import dtxkit.services.location.LocationSimulation;
import java.util.Map;

/** The mock device's LocationSimulation: records each position set and the clear. */
final class MockLocationSimulation implements LocationSimulation {

    private final DeviceState state;

    MockLocationSimulation(DeviceState state) {
        this.state = state;
    }

    @Override
    public void simulateLocation(double latitude, double longitude) {
        if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) {
            throw new DtxRemoteException(new NSError("kCLErrorDomain", 0, Map.of("NSLocalizedDescription",
                    "Invalid coordinate (" + latitude + ", " + longitude + ")")));
        }
        state.location(new MockDevice.Location(latitude, longitude));
    }

    @Override
    public void stopLocationSimulation() {
        state.location(null);
    }
}
