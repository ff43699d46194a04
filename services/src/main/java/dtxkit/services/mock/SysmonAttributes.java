package dtxkit.services.mock;

import java.util.List;

/** The attribute names an iOS 17 device's sysmond offers, and how the mock samples each. */
final class SysmonAttributes {

    static final List<String> PROCESS = List.of("memVirtualSize", "cpuUsage", "procStatus", "appSleep", "uid",
            "vmPageIns", "memRShrd", "ctxSwitch", "memCompressed", "intWakeups", "cpuTotalSystem", "responsiblePID",
            "physFootprint", "cpuTotalUser", "sysCallsUnix", "memResidentSize", "sysCallsMach", "memPurgeable",
            "diskBytesRead", "machPortCount", "__suddenTerm", "__arch", "memRPrvt", "msgSent", "ppid",
            "threadCount", "memAnon", "diskBytesWritten", "pgid", "faults", "msgRecv", "__restricted", "pid",
            "__sandbox", "name", "startAbsTime");

    static final List<String> SYSTEM = List.of("vmExtPageCount", "vmFreeCount", "vmPurgeableCount",
            "vmSpeculativeCount", "physMemSize", "vmIntPageCount", "vmUsedCount", "vmWireCount", "vmActiveCount",
            "vmInactiveCount", "vmCompressorPageCount", "vmPageIns", "vmPageOuts", "threadCount", "netPacketsIn",
            "netBytesIn", "netPacketsOut", "netBytesOut", "diskReadOps", "diskBytesRead", "diskWriteOps",
            "diskBytesWritten", "__vmSwapUsage");

    private SysmonAttributes() {
    }
}
