package bad;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.runtime.archive.NSKeyedArchiver;

@DtxService("com.example.archiver")
public interface ArchiverParameter {
    @DtxMethod("send:")
    void send(NSKeyedArchiver archiver); // <- DtxUnsupportedParameterType
}
