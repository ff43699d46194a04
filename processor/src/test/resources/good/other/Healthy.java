package other;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;

@DtxService("com.example.healthy")
public interface Healthy {
    @DtxMethod("ping")
    String ping();
}
