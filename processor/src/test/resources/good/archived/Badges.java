package archived;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.runtime.archive.ArchivedObject;
import dtxkit.runtime.archive.NSError;
import java.util.List;
import java.util.concurrent.CompletableFuture;

@DtxService("com.example.badges")
public interface Badges {
    @DtxMethod("setBadge:")
    void set(Badge badge);

    @DtxMethod("badge")
    Badge badge();

    @DtxMethod("allBadges")
    CompletableFuture<List<Badge>> all();

    @DtxMethod("anyArchived")
    ArchivedObject any();

    @DtxMethod("lastError")
    NSError lastError();
}
