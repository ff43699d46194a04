package dtxkit.services.mock;

import java.nio.charset.StandardCharsets;

/**
 * Generates a kdebug trace code table in the format of the device's {@code /usr/share/misc/trace.codes}: one
 * {@code 0xDEBUGID<TAB>Name} line per code, where the debug id is class (8 bits), subclass (8 bits) and code (14 bits)
 * shifted left by 2. Real tables run to hundreds of KiB, which is the point: the reply travels fragmented.
 */
final class TraceCodes {

    /** kdebug classes with their subclasses and the stems of their event names. */
    private static final Object[][] CLASSES = {
        {0x01, "MACH", new String[] {"excp_kernel", "vm", "ipc", "sched", "msg", "vm_pressure", "stackshot",
            "thread_group", "coalition", "workgroup", "ihist", "bank", "hv", "kcdata", "mach_exc", "pmap"}},
        {0x02, "NW", new String[] {"tcp", "udp", "ip", "ip6", "socket", "route", "dlil", "necp", "flow", "skywalk"}},
        {0x03, "FSYSTEM", new String[] {"rw", "cache", "apfs", "hfs", "vfs", "lookup", "fsevents", "ubc", "cluster",
            "journal", "devfs", "nfs"}},
        {0x04, "BSD", new String[] {"excp_sc", "proc", "memstat", "sig", "kevent", "bsdthread", "dirty", "imp",
            "coalition", "sfi", "socket", "jetsam"}},
        {0x05, "IOKIT", new String[] {"service", "interrupt", "workloop", "power", "pci", "usb", "dispatch", "hid",
            "display", "audio", "storage", "network"}},
        {0x06, "DRIVERS", new String[] {"agx", "ane", "ans", "apcie", "aop", "camera", "isp", "nand", "smc", "spmi"}},
        {0x07, "TRACE", new String[] {"data", "string", "info", "lost"}},
        {0x08, "DLIL", new String[] {"tcp", "ip", "iface", "proto", "input", "output"}},
        {0x09, "WORKQUEUE", new String[] {"thread", "req", "run", "cooperative"}},
        {0x0A, "CORESTORAGE", new String[] {"io", "gc", "cache", "crypto"}},
        {0x0B, "CG", new String[] {"surface", "display", "render"}},
        {0x0C, "MONOTONIC", new String[] {"cpmu", "upmu", "kpc"}},
        {0x0D, "MISC", new String[] {"coalition", "power", "pthread", "thermal"}},
        {0x14, "SECURITY", new String[] {"sandbox", "amfi", "codesign", "keychain"}},
        {0x15, "DYLD", new String[] {"uuid", "load", "bind", "map"}},
        {0x1F, "QT", new String[] {"core", "decode", "encode"}},
        {0x20, "APPS", new String[] {"launch", "uikit", "scene", "animation", "layout"}},
        {0x21, "LAUNCHD", new String[] {"job", "spawn", "exit"}},
        {0x22, "SILICON", new String[] {"clpc", "dvfs", "cluster"}},
        {0x25, "PERF", new String[] {"thread", "callstack", "timer", "pet", "kpc", "kdbg", "lazy", "meminfo"}},
        {0x26, "IMPORTANCE", new String[] {"assertion", "boost", "watchport"}},
        {0x27, "PERFCTRL", new String[] {"tg", "cpu", "thermal"}},
        {0x28, "BANK", new String[] {"account", "task"}},
        {0x29, "XPC", new String[] {"connection", "message", "activity", "event"}},
        {0x2A, "ATM", new String[] {"subaid", "value"}},
        {0x2B, "ARIADNE", new String[] {"signpost", "log", "activity"}},
        {0x2C, "DAEMON", new String[] {"runningboard", "springboard", "backboard", "frontboard"}},
        {0x2D, "ENERGYTRACE", new String[] {"cpu", "gpu", "net", "display", "location"}},
        {0x2E, "DISPATCH", new String[] {"queue", "source", "mach", "io", "timer", "workloop"}},
        {0x2F, "IMG", new String[] {"pmap", "cache", "jit"}},
        {0x30, "UMALLOC", new String[] {"malloc", "free", "realloc", "zone"}},
        {0x31, "TURNSTILE", new String[] {"inheritor", "push", "pop"}},
        {0x35, "SKYWALK", new String[] {"channel", "flow", "nexus", "ring"}},
        {0x40, "KERNEL_PANIC", new String[] {"stackshot", "debugger"}},
        {0xFF, "MIG", new String[] {"request", "reply"}},
    };

    private static final String[] ACTIONS = {"start", "end", "enter", "exit", "alloc", "free", "wait", "wakeup",
        "block", "unblock", "submit", "complete", "enqueue", "dequeue", "begin", "commit", "fault", "resolve",
        "timeout", "cancel", "retain", "release", "lookup", "insert", "remove", "update", "send", "receive",
        "map", "unmap", "lock", "unlock", "read", "write", "open", "close", "suspend", "resume", "create",
        "destroy", "attach", "detach", "grant", "revoke", "throttle", "boost", "sample", "flush"};

    /** Codes per subclass: enough for a table of about 400 KiB, as on an iOS 17 device. */
    private static final int CODES_PER_SUBCLASS = 64;

    private static volatile String table;

    private TraceCodes() {
    }

    /** The table (built once, about 400 KiB of text). */
    static String table() {
        String t = table;
        if (t == null) {
            synchronized (TraceCodes.class) {
                t = table;
                if (t == null) {
                    table = t = build();
                }
            }
        }
        return t;
    }

    private static String build() {
        StringBuilder out = new StringBuilder(512 * 1024);
        for (Object[] cls : CLASSES) {
            int classId = (Integer) cls[0];
            String className = (String) cls[1];
            String[] subclasses = (String[]) cls[2];
            for (int sub = 0; sub < subclasses.length; sub++) {
                String stem = subclasses[sub];
                String prefix = className + "_" + stem.substring(0, 1).toUpperCase() + stem.substring(1);
                for (int code = 0; code < CODES_PER_SUBCLASS; code++) {
                    int debugId = (classId << 24) | (sub << 16) | (code << 2);
                    String action = ACTIONS[(code + sub * 7 + classId) % ACTIONS.length];
                    out.append(String.format("0x%x\t%s_%s%s%n", debugId, prefix, action,
                            code < ACTIONS.length ? "" : Integer.toString(code)));
                }
            }
        }
        return out.toString();
    }

    /** The table's size in UTF-8 bytes. */
    static int byteSize() {
        return table().getBytes(StandardCharsets.UTF_8).length;
    }
}
