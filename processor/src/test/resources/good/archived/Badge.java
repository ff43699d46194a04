package archived;

import dtxkit.runtime.archive.ArchivedObject;
import java.util.List;
import java.util.Map;

/** A user's own archived class (its codec is registered in an ArchiveClassRegistry at run time). */
public record Badge(String label, int count) implements ArchivedObject {
    @Override
    public List<String> classChain() {
        return List.of("XYZBadge", "NSObject");
    }

    @Override
    public Map<String, Object> fields() {
        return Map.of("label", label, "count", count);
    }
}
