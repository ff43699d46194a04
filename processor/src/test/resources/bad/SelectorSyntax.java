package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.selector")
public interface SelectorSyntax {
    @DtxMethod("kill Pid:") // <- DtxSelectorSyntax
    void kill(int pid);
}
