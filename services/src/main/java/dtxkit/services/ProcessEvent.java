package dtxkit.services;

/** What a process launched through {@link Instruments} does: write output, or end. */
public sealed interface ProcessEvent {

    /**
     * The process id the event concerns.
     *
     * @return the pid
     */
    int pid();

    /**
     * Output the process wrote ({@code outputReceived:fromProcess:atTime:}).
     *
     * @param pid the process id
     * @param text the text, usually one or more whole lines
     * @param machTime the device's mach time of the write
     */
    record Output(int pid, String text, long machTime) implements ProcessEvent {
    }

    /**
     * The process ended ({@code processWithPID:terminatedWithExitCode:orCrashingSignal:}).
     *
     * @param pid the process id
     * @param exitCode the exit status, or null when a signal ended it
     * @param signal the signal that ended it, or null when it exited
     */
    record Terminated(int pid, Integer exitCode, Integer signal) implements ProcessEvent {
    }
}
