package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.Loopback.Mode;
import dtxkit.runtime.internal.DtxCalls;
import dtxkit.runtime.internal.DtxDispatch;
import dtxkit.runtime.internal.Failures;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 2, the part left: user code (a handler, a listener, a service factory, an asynchronous handler's
 * encoder, a typed client's converter) that throws an {@link Error} rather than an exception, a
 * {@link StackOverflowError} above all (a value nested too deep for the thread to describe or convert). The call is
 * answered with an error and the connection goes on serving; {@link Failures} says which errors are rethrown after.
 */
class ThrownErrorsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static Loopback open(DtxServiceRegistry registry) throws Exception {
    return Loopback.open(Mode.MEMORY, b -> b.registry(registry), b -> b.callTimeout(WAIT));
  }

  /** Echoes its argument, or throws {@code error} for the selector {@code "fail"}. */
  private static DtxServiceHandler throwing(Error error) {
    return invocation -> {
      if (invocation.selector().equals("fail")) {
        throw error;
      }
      return invocation.arguments().isEmpty() ? "ok" : invocation.arguments().get(0);
    };
  }

  @Test
  void aHandlersStackOverflowIsAnsweredAndTheConnectionServesOn() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry().register("errors", channel -> throwing(
        new StackOverflowError("handler recursed")));
    try (Loopback l = open(registry)) {
      DtxChannel channel = l.client.openChannel("errors");
      for (int i = 0; i < 3; i++) {
        DtxRemoteException e = assertThrows(DtxRemoteException.class, () -> channel.invoke("fail"));
        assertTrue(e.getMessage().contains("java.lang.StackOverflowError: handler recursed"), e.getMessage());
        assertEquals("again " + i, channel.invoke("echo:", DtxArgument.object("again " + i)));
      }
      assertTrue(l.server.isOpen());
    }
  }

  @Test
  void otherErrorsAreAnsweredToo() throws Exception {
    for (Error error : new Error[] {new AssertionError("assertion"), new NoClassDefFoundError("gone/Class"),
        new ExceptionInInitializerError("static init")}) {
      DtxServiceRegistry registry = new DtxServiceRegistry().register("errors", channel -> throwing(error));
      try (Loopback l = open(registry)) {
        DtxChannel channel = l.client.openChannel("errors");
        DtxRemoteException e = assertThrows(DtxRemoteException.class, () -> channel.invoke("fail"));
        assertTrue(e.getMessage().contains(error.getClass().getName()), e.getMessage());
        assertEquals("after", channel.invoke("echo:", DtxArgument.object("after")));
      }
    }
  }

  /** Fatal errors are answered too, then rethrown to the delivery queue, which counts them and delivers on. */
  @Test
  void aFatalErrorIsAnsweredThenRethrown() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry().register("errors", channel -> throwing(
        new OutOfMemoryError("Java heap space (simulated)")));
    try (Loopback l = open(registry)) {
      DtxChannel channel = l.client.openChannel("errors");
      DtxRemoteException e = assertThrows(DtxRemoteException.class, () -> channel.invoke("fail"));
      assertTrue(e.getMessage().contains("OutOfMemoryError"), e.getMessage());
      assertEquals("after", channel.invoke("echo:", DtxArgument.object("after")));
    }
    assertTrue(Failures.isFatal(new OutOfMemoryError()));
    assertTrue(Failures.isFatal(new InternalError()));
    assertTrue(!Failures.isFatal(new StackOverflowError()));
    assertTrue(!Failures.isFatal(new AssertionError()));
  }

  @Test
  void aListenersStackOverflowIsAnswered() throws Exception {
    try (Loopback l = Loopback.open(Mode.MEMORY, b -> b.registry(new DtxServiceRegistry())
        .controlListener(new DtxChannelListener() {
          @Override
          public void onInvocation(DtxInvocation invocation) {
            throw new StackOverflowError("listener recursed");
          }
        }), b -> b.callTimeout(WAIT))) {
      DtxChannel control = l.client.controlChannel();
      for (int i = 0; i < 2; i++) {
        DtxRemoteException e = assertThrows(DtxRemoteException.class, () -> control.invoke("anything:",
            DtxArgument.int32(1)));
        assertTrue(e.getMessage().contains("StackOverflowError: listener recursed"), e.getMessage());
      }
      assertTrue(l.server.isOpen());
    }
  }

  @Test
  void aServiceFactorysStackOverflowRefusesTheChannelAndServesOn() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry()
        .register("broken", channel -> {
          throw new StackOverflowError("factory recursed");
        })
        .register("errors", channel -> throwing(new StackOverflowError()));
    try (Loopback l = open(registry)) {
      DtxRemoteException e = assertThrows(DtxRemoteException.class, () -> l.client.openChannel("broken"));
      assertTrue(e.getMessage().contains("factory recursed"), e.getMessage());
      assertEquals("fine", l.client.openChannel("errors").invoke("echo:", DtxArgument.object("fine")));
    }
  }

  @Test
  void anAsynchronousHandlersEncoderThatOverflowsIsAnswered() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry().register("async", channel -> invocation ->
        DtxDispatch.replyAsync(CompletableFuture.completedFuture("value"), v -> {
          throw new StackOverflowError("encoder recursed");
        }));
    try (Loopback l = open(registry)) {
      DtxChannel channel = l.client.openChannel("async");
      DtxRemoteException e = assertThrows(DtxRemoteException.class, () -> channel.invoke("anything"));
      assertTrue(e.getMessage().contains("StackOverflowError: encoder recursed"), e.getMessage());
      assertTrue(l.server.isOpen());
    }
  }

  @Test
  void aTypedClientsConverterThatOverflowsFailsItsFuture() throws Exception {
    CompletableFuture<Object> reply = new CompletableFuture<>();
    CompletableFuture<String> converted = DtxCalls.mapAsync(reply, v -> {
      throw new StackOverflowError("converter recursed");
    });
    reply.complete("value");
    ExecutionException e = assertThrows(ExecutionException.class, () -> converted.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof StackOverflowError, e.toString());
  }
}
