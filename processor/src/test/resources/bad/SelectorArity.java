package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.arity")
public interface SelectorArity {
    @DtxMethod("killPid:") // <- DtxSelectorArity
    void kill();
}
