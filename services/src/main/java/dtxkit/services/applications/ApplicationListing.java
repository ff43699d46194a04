package dtxkit.services.applications;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import java.util.List;
import java.util.Map;

/**
 * The installed apps and extensions: the {@code device.applictionListing} Instruments service (Apple's spelling).
 *
 * <pre>{@code
 * List<AppInfo> apps = connection.open(ApplicationListing.class).installedApplicationsMatching(Map.of(), "");
 * }</pre>
 */
@DtxService("com.apple.instruments.server.services.device.applictionListing")
public interface ApplicationListing {

    /**
     * The installed applications.
     *
     * @param matching a filter dictionary; empty for every app
     * @param updateToken a token to register for update notifications; {@code ""} for none
     * @return one entry per app or extension
     */
    @DtxMethod("installedApplicationsMatching:registerUpdateToken:")
    List<AppInfo> installedApplicationsMatching(Map<String, Object> matching, String updateToken);
}
