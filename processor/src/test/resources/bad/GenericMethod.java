package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.generic.method")
public interface GenericMethod {
    @DtxMethod("valueFor:")
    <T> T valueFor(String key); // <- DtxGenericMethod
}
