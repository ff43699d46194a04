package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.conflict")
public interface EncodingConflict {
    @DtxMethod("setPid:")
    void setPid(
            @Int32 @Int64 int pid); // <- DtxEncodingConflict
}
