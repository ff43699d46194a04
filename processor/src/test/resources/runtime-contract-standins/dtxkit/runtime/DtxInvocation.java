// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime;

import java.util.List;

public interface DtxInvocation {
    String selector();

    List<Object> arguments();

    boolean expectsReply();
}
