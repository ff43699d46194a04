package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.unannotated")
public interface UnannotatedMethod {
    @DtxMethod("ping")
    String ping();

    String forgotten(); // <- DtxUnannotatedMethod

    default String fine() {
        return ping();
    }
}
