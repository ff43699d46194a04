package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.data")
public interface DataSignature {
    @DtxMethod("start")
    void start();

    interface Events {
        @OnData
        default void data(String text) { // <- DtxDataSignature
        }
    }
}
