package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.oneway")
public interface OnewayReturn {
    @DtxMethod(value = "killPid:", oneway = true) // <- DtxOnewayReturn
    boolean kill(int pid);
}
