package sample;

import dtxkit.annotations.Key;
import java.time.Instant;
import java.util.List;

/** A process as runningProcesses describes it; one component maps from a key other than its name. */
public record ProcessInfo(int pid, String name, @Key("bundleIdentifier") String bundleId, Instant startDate,
        boolean isApplication, List<String> arguments) {
}
