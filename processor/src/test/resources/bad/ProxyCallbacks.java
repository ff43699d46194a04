package bad;

import dtxkit.annotations.*;

@DtxService(value = "Example_DriverInterface", proxy = true)
public interface ProxyCallbacks {
    @DtxMethod("_IDE_startWithVersion:")
    void start(int version);

    interface Events { // <- DtxProxyCallbacks
        @OnNotification("_XCT_logMessage:")
        default void logMessage(String text) {
        }
    }
}
