package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.twobroken")
public interface TwoBroken {
    @DtxMethod("killPid:") // <- DtxSelectorArity
    void kill();

    @DtxMethod("ping")
    Thread ping(); // <- DtxUnsupportedReturnType

    @DtxMethod("fine:")
    String fine(int value);
}
