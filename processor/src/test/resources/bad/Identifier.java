package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example..broken") // <- DtxIdentifier
public interface Identifier {
    @DtxMethod("ping")
    String ping();
}
