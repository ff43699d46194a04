package bad;

import dtxkit.annotations.*;

@DtxService("") // <- DtxIdentifier empty
public interface EmptyNames {
    @DtxMethod("") // <- DtxSelectorSyntax empty
    void nothing();
}
