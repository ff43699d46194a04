package lib;

/** Compiled on its own before the test, so the service sees it as a class file from the class path (as from a jar). */
public record JarSample(int pid, Thread owner) {
}
