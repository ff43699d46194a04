package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.notinterface") // <- DtxServiceNotInterface
public abstract class NotInterface {
}
