package dtxkit.runtime.archive;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An archived {@code DTCPUClusterInfo} (deviceinfo's CPU cluster description): inline {@code _clusterID} and
 * {@code _clusterFlags}.
 *
 * @param clusterId the cluster number
 * @param clusterFlags the cluster's flag bits
 */
public record DTCPUClusterInfo(long clusterId, long clusterFlags) implements ArchivedObject {
  static final List<String> CLASS_CHAIN = List.of("DTCPUClusterInfo", "NSObject");

  @Override
  public List<String> classChain() {
    return CLASS_CHAIN;
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("_clusterID", clusterId);
    f.put("_clusterFlags", clusterFlags);
    return f;
  }
}
