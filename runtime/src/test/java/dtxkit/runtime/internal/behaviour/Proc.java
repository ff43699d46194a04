package dtxkit.runtime.internal.behaviour;

import dtxkit.annotations.Key;
import java.time.Instant;
import java.util.List;

/** A process as a device lists it; {@code bundleId} maps from another key. */
public record Proc(int pid, String name, @Key("bundleIdentifier") String bundleId, Instant startDate,
    List<String> arguments) {}
