package dtxkit.services.mock;

import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.archive.NSError;
import dtxkit.services.conditioninducer.ConditionGroup;
import dtxkit.services.conditioninducer.ConditionInducer;
import dtxkit.services.conditioninducer.ConditionProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The mock device's ConditionInducer: the network and thermal groups of a device; one condition at a time. */
final class MockConditionInducer implements ConditionInducer {

  private static final List<ConditionGroup> GROUPS = List.of(
      new ConditionGroup("SlowNetworkCondition", "Network Link", List.of(
          new ConditionProfile("SlowNetwork2GUrban", "2G", "2G, urban (50 kbps, 650 ms)"),
          new ConditionProfile("SlowNetwork2GRural", "2G", "2G, rural (20 kbps, 1500 ms)"),
          new ConditionProfile("SlowNetworkEdgeGood", "Edge", "Edge, good connection (240 kbps, 440 ms)"),
          new ConditionProfile("SlowNetworkEdgeBad", "Edge", "Edge, poor connection (200 kbps, 500 ms)"),
          new ConditionProfile("SlowNetworkEdgeAverage", "Edge", "Edge, average (220 kbps, 470 ms)"),
          new ConditionProfile("SlowNetwork3GGood", "3G", "3G, good connection (780 kbps, 100 ms)"),
          new ConditionProfile("SlowNetwork3GAverage", "3G", "3G, average (330 kbps, 300 ms)"),
          new ConditionProfile("SlowNetwork3GBad", "3G", "3G, poor connection (110 kbps, 500 ms)"),
          new ConditionProfile("SlowNetworkLTE", "LTE", "LTE (10 Mbps, 50 ms)"),
          new ConditionProfile("SlowNetworkWiFi", "WiFi", "WiFi (40 Mbps, 40 ms)"),
          new ConditionProfile("SlowNetworkWiFi802.11ac", "WiFi 802.11ac", "WiFi 802.11ac (250 Mbps, 10 ms)"),
          new ConditionProfile("SlowNetworkDSL", "DSL", "DSL (2 Mbps, 50 ms)"),
          new ConditionProfile("SlowNetworkHighLatencyDNS", "High Latency DNS",
              "Very slow DNS (3 s per lookup)"),
          new ConditionProfile("SlowNetwork100PctLoss", "100% Loss", "100% packet loss")),
          false, ""),
      new ConditionGroup("ThermalCondition", "Thermal State", List.of(
          new ConditionProfile("ThermalFair", "Fair", "Fair"),
          new ConditionProfile("ThermalSerious", "Serious", "Serious"),
          new ConditionProfile("ThermalCritical", "Critical", "Critical")),
          false, ""));

  private final DeviceState state;

  MockConditionInducer(DeviceState state) {
    this.state = state;
  }

  @Override
  public List<ConditionGroup> availableConditionInducers() {
    String[] active = state.activeCondition();
    List<ConditionGroup> groups = new ArrayList<>();
    for (ConditionGroup g : GROUPS) {
      boolean isActive = active != null && active[0].equals(g.identifier());
      // A device sends activeProfile "" when the group is inactive.
      groups.add(new ConditionGroup(g.identifier(), g.name(), g.profiles(), isActive,
          isActive ? active[1] : ""));
    }
    return groups;
  }

  @Override
  public synchronized boolean enableCondition(String identifier, String profileIdentifier) {
    String[] active = state.activeCondition();
    if (active != null) {
      throw error(2, "A condition is already active (" + active[0] + "/" + active[1] + "). Disable it first.");
    }
    for (ConditionGroup g : GROUPS) {
      if (g.identifier().equals(identifier)) {
        for (ConditionProfile p : g.profiles()) {
          if (p.identifier().equals(profileIdentifier)) {
            state.activeCondition(new String[] {identifier, profileIdentifier});
            return true;
          }
        }
        throw error(1, "Unknown profile \"" + profileIdentifier + "\" for condition inducer \"" + identifier
            + "\".");
      }
    }
    throw error(1, "Unknown condition inducer \"" + identifier + "\".");
  }

  @Override
  public synchronized boolean disableActiveCondition() {
    if (state.activeCondition() == null) {
      throw error(3, "No condition is active.");
    }
    state.activeCondition(null);
    return true;
  }

  private static DtxRemoteException error(int code, String description) {
    return new DtxRemoteException(new NSError("com.apple.dt.ConditionInducer", code,
        Map.of("NSLocalizedDescription", description)));
  }
}
