package nested;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;

public final class Outer {
    private Outer() {
    }

    @DtxService("com.example.nested")
    public interface Inner {
        @DtxMethod("ping")
        String ping();
    }
}
