package dtxkit.services.mock;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A process of a {@link MockDevice}: a daemon from the start-up list, or an app launched through processcontrol.
 *
 * @param pid the process id
 * @param name the executable's file name, as {@code runningProcesses} reports it
 * @param executablePath the executable's full path ({@code execnameForPid:})
 * @param bundleIdentifier the bundle id of an app, or null for a daemon
 * @param startDate when it started
 * @param uid the user it runs as (0 root, 501 mobile)
 * @param environment the environment it was launched with (empty for daemons)
 * @param arguments the arguments it was launched with (empty for daemons)
 */
public record MockProcess(int pid, String name, String executablePath, String bundleIdentifier, Instant startDate,
        int uid, Map<String, String> environment, List<String> arguments) {

    /**
     * Checks and copies.
     *
     * @param pid the process id
     * @param name the executable's file name, as {@code runningProcesses} reports it
     * @param executablePath the executable's full path ({@code execnameForPid:})
     * @param bundleIdentifier the bundle id of an app, or null for a daemon
     * @param startDate when it started
     * @param uid the user it runs as (0 root, 501 mobile)
     * @param environment the environment it was launched with (empty for daemons)
     * @param arguments the arguments it was launched with (empty for daemons)
     */
    public MockProcess {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(executablePath, "executablePath");
        Objects.requireNonNull(startDate, "startDate");
        environment = Map.copyOf(environment);
        arguments = List.copyOf(arguments);
    }

    /**
     * Whether this is an app (it has a bundle id).
     *
     * @return true for an app
     */
    public boolean isApplication() {
        return bundleIdentifier != null;
    }
}
