// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime;

public final class DtxArgument {
    public enum Kind { OBJECT, INT32, INT64, FLOAT64, STRING, RAW }

    private DtxArgument() {
    }

    public static DtxArgument object(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static DtxArgument int32(int value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static DtxArgument int64(long value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static DtxArgument float64(double value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static DtxArgument string(String value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static DtxArgument raw(byte[] value) {
        throw new UnsupportedOperationException("stand-in");
    }
}
