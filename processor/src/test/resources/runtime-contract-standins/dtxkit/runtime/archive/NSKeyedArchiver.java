// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime.archive;

/** In the archive package, but a tool, not a value: DTX cannot carry it. */
public final class NSKeyedArchiver {
}
