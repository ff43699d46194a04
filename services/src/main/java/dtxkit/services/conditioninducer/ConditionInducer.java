package dtxkit.services.conditioninducer;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import java.util.List;

/**
 * Simulated device conditions (slow network, thermal state, ...): the {@code ConditionInducer} Instruments service.
 *
 * <pre>{@code
 * ConditionInducer ci = connection.open(ConditionInducer.class);
 * ci.enableCondition("SlowNetworkCondition", "SlowNetwork3GGood");
 * ci.disableActiveCondition();
 * }</pre>
 */
@DtxService("com.apple.instruments.server.services.ConditionInducer")
public interface ConditionInducer {

    /**
     * The condition groups and their profiles.
     *
     * @return the groups
     */
    @DtxMethod("availableConditionInducers")
    List<ConditionGroup> availableConditionInducers();

    /**
     * Turns a condition on; only one is active at a time.
     *
     * @param identifier the group, e.g. {@code "SlowNetworkCondition"}
     * @param profileIdentifier the profile, e.g. {@code "SlowNetwork3GGood"}
     * @return whether the device enabled it
     * @throws dtxkit.runtime.DtxRemoteException unknown identifiers, or a condition is already active
     */
    @DtxMethod("enableConditionWithIdentifier:profileIdentifier:")
    boolean enableCondition(String identifier, String profileIdentifier);

    /** Turns the active condition off (no reply). */
    @DtxMethod(value = "disableActiveCondition", oneway = true)
    void disableActiveCondition();
}
