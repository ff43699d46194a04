package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.duplicate")
public interface DuplicateSelector {
    @DtxMethod("runningProcesses")
    java.util.List<Object> processes();

    @DtxMethod("runningProcesses") // <- DtxDuplicateSelector
    java.util.List<Object> processesAgain();
}
