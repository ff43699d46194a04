package dtxkit.services;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Instruments#launch(LaunchRequest)} starts.
 *
 * <pre>{@code
 * int pid = instruments.launch(LaunchRequest.of("com.apple.mobilesafari")
 *         .withEnvironment(Map.of("OS_ACTIVITY_DT_MODE", "1"))
 *         .withArguments(List.of("-AppleLanguages", "(fr)"))
 *         .withKillExisting(true));
 * }</pre>
 *
 * @param bundleIdentifier the app's bundle id
 * @param environment extra environment variables
 * @param arguments command-line arguments
 * @param killExisting kill a running instance first
 * @param startSuspended start it suspended (for a debugger)
 */
public record LaunchRequest(String bundleIdentifier, Map<String, String> environment, List<String> arguments,
        boolean killExisting, boolean startSuspended) {

    /**
     * Checks and copies.
     *
     * @param bundleIdentifier the app's bundle id
     * @param environment extra environment variables
     * @param arguments command-line arguments
     * @param killExisting kill a running instance first
     * @param startSuspended start it suspended (for a debugger)
     */
    public LaunchRequest {
        Objects.requireNonNull(bundleIdentifier, "bundleIdentifier");
        environment = Map.copyOf(environment);
        arguments = List.copyOf(arguments);
    }

    /**
     * A plain launch: no environment, no arguments, an existing instance kept.
     *
     * @param bundleIdentifier the app's bundle id
     * @return the request
     */
    public static LaunchRequest of(String bundleIdentifier) {
        return new LaunchRequest(bundleIdentifier, Map.of(), List.of(), false, false);
    }

    /**
     * This request with another environment.
     *
     * @param env the variables
     * @return a new request
     */
    public LaunchRequest withEnvironment(Map<String, String> env) {
        return new LaunchRequest(bundleIdentifier, env, arguments, killExisting, startSuspended);
    }

    /**
     * This request with other arguments.
     *
     * @param args the arguments
     * @return a new request
     */
    public LaunchRequest withArguments(List<String> args) {
        return new LaunchRequest(bundleIdentifier, environment, args, killExisting, startSuspended);
    }

    /**
     * This request killing (or not) a running instance first.
     *
     * @param kill whether to kill it
     * @return a new request
     */
    public LaunchRequest withKillExisting(boolean kill) {
        return new LaunchRequest(bundleIdentifier, environment, arguments, kill, startSuspended);
    }

    /**
     * This request starting the process suspended (or not).
     *
     * @param suspended whether to start suspended
     * @return a new request
     */
    public LaunchRequest withStartSuspended(boolean suspended) {
        return new LaunchRequest(bundleIdentifier, environment, arguments, killExisting, suspended);
    }

    /** The options dictionary the selector takes. */
    Map<String, Object> options() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put(dtxkit.services.processcontrol.LaunchOptions.START_SUSPENDED, startSuspended);
        options.put(dtxkit.services.processcontrol.LaunchOptions.KILL_EXISTING, killExisting);
        return options;
    }
}
