package dtxkit.services.location;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;

/**
 * Overrides the device's GPS position: the {@code LocationSimulation} Instruments service (iOS 17 and later).
 *
 * <pre>{@code
 * LocationSimulation loc = connection.open(LocationSimulation.class);
 * loc.simulateLocation(48.8584, 2.2945);
 * loc.stopLocationSimulation();
 * }</pre>
 */
@DtxService("com.apple.instruments.server.services.LocationSimulation")
public interface LocationSimulation {

    /**
     * Sets the simulated position.
     *
     * @param latitude degrees, -90 to 90
     * @param longitude degrees, -180 to 180
     */
    @DtxMethod("simulateLocationWithLatitude:longitude:")
    void simulateLocation(double latitude, double longitude);

    /** Returns to the real position (no reply). */
    @DtxMethod(value = "stopLocationSimulation", oneway = true)
    void stopLocationSimulation();
}
