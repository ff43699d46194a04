// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime.archive;

import java.util.List;
import java.util.Map;

public interface ArchivedObject {
    List<String> classChain();

    Map<String, Object> fields();
}
