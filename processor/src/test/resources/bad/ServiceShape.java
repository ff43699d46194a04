package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.generic")
public interface ServiceShape<T> { // <- DtxServiceShape
    @DtxMethod("ping")
    String ping();
}
