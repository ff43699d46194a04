package bad;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import lib.JarKeys;
import lib.JarSample;

@DtxService("com.example.jarrecord")
public interface JarRecordUser {
    @DtxMethod("sample")
    JarSample sample(); // <- DtxUnsupportedComponentType

    @DtxMethod("load:")
    void load(JarKeys keys); // <- DtxRecordKey
}
