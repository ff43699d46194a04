package warn;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.onewayfuture")
public interface OnewayFuture {
    @DtxMethod(value = "killPid:", oneway = true) // <- DtxOnewayFuture
    CompletableFuture<Void> kill(int pid);
}
