package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.events")
public interface EventsInterface {
    @DtxMethod("start")
    void start();

    interface Events {
        @OnNotification("first:")
        default void first(String text) {
        }
    }

    interface MoreEvents { // <- DtxEventsInterface
        @OnNotification("second:")
        default void second(String text) {
        }
    }
}
