package dtxkit.services.conditioninducer;

/**
 * One intensity of a {@link ConditionGroup}.
 *
 * @param identifier e.g. {@code "SlowNetwork3GGood"}
 * @param name a display name, or null
 * @param description what it simulates, e.g. {@code "3G, good connection"}
 */
public record ConditionProfile(String identifier, String name, String description) {
}
