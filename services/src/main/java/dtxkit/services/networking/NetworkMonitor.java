package dtxkit.services.networking;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;

/**
 * Network interfaces and TCP/UDP connections as they come and go: the {@code networking} Instruments service.
 *
 * <p>After {@link #startMonitoring} the device pushes OBJECT notifications, each an array {@code [type, fields]};
 * {@link NetworkEvent#of(Object)} decodes them, including the sockaddr structs of connection endpoints.
 */
@DtxService("com.apple.instruments.server.services.networking")
public interface NetworkMonitor {

    /** Starts monitoring (no reply). */
    @DtxMethod(value = "startMonitoring", oneway = true)
    void startMonitoring();

    /** Stops monitoring and waits for the device to confirm. */
    @DtxMethod("stopMonitoring")
    void stopMonitoring();
}
