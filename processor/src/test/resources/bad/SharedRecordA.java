package bad;

import dtxkit.annotations.*;

@DtxService("com.example.shared.a")
public interface SharedRecordA {
    @DtxMethod("sample")
    SharedSample sample();
}
