package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.param")
public interface UnsupportedParameterType {
    @DtxMethod("run:")
    void run(
            Thread thread); // <- DtxUnsupportedParameterType
}
