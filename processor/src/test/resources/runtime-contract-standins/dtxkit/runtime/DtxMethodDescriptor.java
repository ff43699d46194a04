// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime;

import java.util.List;

public record DtxMethodDescriptor(String name, String selector, boolean oneway, List<DtxArgument.Kind> argumentKinds) {
    public static DtxMethodDescriptor of(String name, String selector, boolean oneway, DtxArgument.Kind... kinds) {
        throw new UnsupportedOperationException("stand-in");
    }
}
