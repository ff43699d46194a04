package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.notification")
public interface NotificationReturn {
    @DtxMethod("start")
    void start();

    interface Events {
        @OnNotification("outputReceived:fromProcess:atTime:")
        default String output(String text, int pid, long time) { // <- DtxNotificationReturn
            return text;
        }
    }
}
