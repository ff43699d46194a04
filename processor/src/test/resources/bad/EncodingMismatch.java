package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.mismatch")
public interface EncodingMismatch {
    @DtxMethod("setName:")
    void setName(
            @Int32 String name); // <- DtxEncodingMismatch
}
