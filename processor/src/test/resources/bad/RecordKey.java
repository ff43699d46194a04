package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.keys")
public interface RecordKey {
    @DtxMethod("load")
    Load load();

    record Load(@Key("CPU_TotalLoad") double total,
            @Key("CPU_TotalLoad") double user, // <- DtxRecordKey duplicate
            @Key("") double nice) { // <- DtxRecordKey empty
    }
}
