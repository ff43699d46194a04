package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.returns")
public interface UnsupportedReturnType {
    @DtxMethod("currentThread")
    Thread current(); // <- DtxUnsupportedReturnType
}
