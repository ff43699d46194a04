package dtxkit.services.mock;

import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.archive.NSError;
import dtxkit.services.location.LocationSimulation;
import java.util.Map;

/**
 * The mock device's LocationSimulation, one per channel: records each position set and the clear. As on a device,
 * the simulation ends when the channel that set it does (the client cancelled it, closed or went away).
 */
final class MockLocationSimulation implements LocationSimulation {

  private final DeviceState state;
  private MockDevice.Location set;

  MockLocationSimulation(DeviceState state) {
    this.state = state;
  }

  @Override
  public void simulateLocation(double latitude, double longitude) {
    if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) {
      throw new DtxRemoteException(new NSError("kCLErrorDomain", 0, Map.of("NSLocalizedDescription",
          "Invalid coordinate (" + latitude + ", " + longitude + ")")));
    }
    MockDevice.Location location = new MockDevice.Location(latitude, longitude);
    synchronized (this) {
      set = location;
    }
    state.location(location);
  }

  @Override
  public synchronized void stopLocationSimulation() {
    set = null;
    state.location(null);
  }

  /** The channel ended: so does the simulation it set, unless a later position replaced it. */
  synchronized void channelClosed() {
    state.endLocation(set);
    set = null;
  }
}
