package bad;

import dtxkit.annotations.*;

@DtxService(value = "com.example.NotAProtocol", proxy = true) // <- DtxProxyName
public interface ProxyName {
    @DtxMethod("_IDE_ping:")
    void ping(int version);
}
