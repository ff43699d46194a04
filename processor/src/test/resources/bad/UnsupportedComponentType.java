package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.component")
public interface UnsupportedComponentType {
    @DtxMethod("sample")
    Sample sample();

    record Sample(String name,
            Thread owner) { // <- DtxUnsupportedComponentType
    }
}
