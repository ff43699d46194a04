package deferred;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;

/** Returns a record that another processor generates in the first round. */
@DtxService("com.example.deferred")
public interface Deferred {
    @DtxMethod("later")
    Later later();
}
