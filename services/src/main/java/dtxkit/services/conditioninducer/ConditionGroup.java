package dtxkit.services.conditioninducer;

import java.util.List;

/**
 * A kind of condition and its profiles, from {@link ConditionInducer#availableConditionInducers()}.
 *
 * @param identifier e.g. {@code "SlowNetworkCondition"}
 * @param name a display name, e.g. {@code "Network Link"}
 * @param profiles the intensities it offers
 * @param isActive whether one of its profiles is active, or null when the device does not say
 * @param activeProfile the active profile's identifier, or null
 */
public record ConditionGroup(String identifier, String name, List<ConditionProfile> profiles, Boolean isActive,
        String activeProfile) {
}
