package sample;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.annotations.Int32;
import dtxkit.annotations.Int64;
import dtxkit.annotations.OnData;
import dtxkit.annotations.OnNotification;
import dtxkit.annotations.Raw;
import dtxkit.annotations.Str;
import dtxkit.runtime.archive.NSError;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** A representative service: every return kind, every encoding, records, futures, oneway and callbacks. */
@DtxService("com.apple.instruments.server.services.processcontrol")
public interface ProcessControl {

    @DtxMethod("launchSuspendedProcessWithDevicePath:bundleIdentifier:environment:arguments:options:")
    int launch(String devicePath, String bundleIdentifier, Map<String, String> environment, List<String> arguments,
            Map<String, Object> options);

    @DtxMethod(value = "killPid:", oneway = true)
    void kill(int pid);

    @DtxMethod("requestDisableMemoryLimitsForPid:")
    boolean disableMemoryLimits(@Int32 int pid);

    @DtxMethod("sendSignal:toPid:")
    CompletableFuture<Void> sendSignal(int signal, int pid);

    @DtxMethod("runningProcesses")
    List<ProcessInfo> runningProcesses();

    @DtxMethod("processInfoForPid:")
    CompletableFuture<ProcessInfo> processInfo(@Int64 long pid);

    @DtxMethod("setRate:label:blob:")
    void configure(@dtxkit.annotations.Double double rate, @Str String label, @Raw byte[] blob);

    @DtxMethod("echoProcess:")
    ProcessInfo echo(ProcessInfo process);

    @DtxMethod("everything:")
    Map<String, List<ProcessInfo>> group(Set<ProcessInfo> processes);

    @DtxMethod("lastLaunch")
    Instant lastLaunch();

    @DtxMethod("sessionIdentifier")
    UUID session();

    @DtxMethod("bundleURL")
    URI bundleUrl();

    @DtxMethod("lastError")
    NSError lastError();

    @DtxMethod("payload")
    byte[] payload();

    @DtxMethod("anything")
    Object anything();

    @DtxMethod("optionalCount")
    Long optionalCount();

    /** Not sent: default methods stay on the interface. */
    default int launchAndForget(String bundleIdentifier) {
        return launch("", bundleIdentifier, Map.of(), List.of(), Map.of());
    }

    /** Callbacks the device sends to a client. */
    interface Events {
        @OnNotification("outputReceived:fromProcess:atTime:")
        default void outputReceived(String output, int pid, long machTime) {
        }

        @OnNotification("processTerminated:")
        default void terminated(ProcessInfo process) {
        }

        @OnData
        default void data(byte[] chunk) {
        }
    }
}
