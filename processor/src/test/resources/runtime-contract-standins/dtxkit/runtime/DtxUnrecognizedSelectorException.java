// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime;

public class DtxUnrecognizedSelectorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static DtxUnrecognizedSelectorException forSelector(String selector, String identifier) {
        throw new UnsupportedOperationException("stand-in");
    }
}
