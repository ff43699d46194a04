package dtxkit.runtime.internal;

/**
 * What dtxkit does when user code (a handler, a listener, a service factory, a converter) or a decoder throws
 * something other than an exception: one policy for every dispatch point.
 *
 * <p><b>Answered and survived:</b> every {@link Throwable}. A {@link StackOverflowError} (a value that nests too
 * deep for the thread's stack, a handler that recurses), a {@link LinkageError}, an {@link AssertionError} or any
 * other {@link Error} unwinds the stack it was thrown on and leaves nothing half-done behind it: the call is answered
 * with an error, the connection goes on serving, and the thread goes on running.
 *
 * <p><b>Fatal, answered and then rethrown:</b> the {@link VirtualMachineError}s other than a stack overflow
 * ({@link OutOfMemoryError}, {@link InternalError}, {@link UnknownError}). dtxkit still tries to answer the call (a
 * peer left waiting for a reply is worse than a failed reply), then lets the error go on to the thread's own handling
 * (for a delivery, the delivery queue counts and logs it and delivers on; for a connection's reader, the connection
 * fails), because after these the JVM's state is not something one connection can vouch for.
 */
public final class Failures {

  private Failures() {}

  /**
   * True for the errors dtxkit rethrows after answering: {@link VirtualMachineError}s other than
   * {@link StackOverflowError}.
   *
   * @param t what was caught
   * @return whether it is fatal
   */
  public static boolean isFatal(Throwable t) {
    return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
  }

  /**
   * Rethrows {@code t} when it is {@linkplain #isFatal fatal}; returns otherwise.
   *
   * @param t what was caught, or null
   */
  public static void rethrowIfFatal(Throwable t) {
    if (isFatal(t)) {
      throw (VirtualMachineError) t;
    }
  }
}
