package bad;

import dtxkit.annotations.*;

@DtxService("com.example.shared.b")
public interface SharedRecordB {
    @DtxMethod("sample")
    SharedSample sample();
}
