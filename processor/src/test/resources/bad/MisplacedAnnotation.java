package bad;

import dtxkit.annotations.*;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.misplaced")
public interface MisplacedAnnotation {
    @DtxMethod("start")
    void start();

    @OnNotification("stopped:")
    default void stopped(String reason) { // <- DtxMisplacedAnnotation in service
    }
}

interface NotAService {
    @DtxMethod("ping")
    String ping(); // <- DtxMisplacedAnnotation outside service
}
