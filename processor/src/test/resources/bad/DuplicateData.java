package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.data.twice")
public interface DuplicateData {
    @DtxMethod("start")
    void start();

    interface Events {
        @OnData
        default void data(byte[] chunk) {
        }

        @OnData
        default void moreData(byte[] chunk) { // <- DtxDuplicateData
        }
    }
}
