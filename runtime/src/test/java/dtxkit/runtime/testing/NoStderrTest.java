package dtxkit.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link NoStderr}: what a fuzz target's input writes to {@code System.err} is a finding; log lines are not. */
class NoStderrTest {

  @Test
  void aBodyThatPrintsFailsNamingWhatItWrote() {
    PrintStream before = System.err;
    AssertionError finding = assertThrows(AssertionError.class,
        () -> NoStderr.check(() -> System.err.println("[Fatal Error] :1:56: The element type \"array\" must be")));
    assertTrue(finding.getMessage().contains("[Fatal Error] :1:56"), finding.getMessage());
    assertSame(before, System.err, "System.err is restored");
  }

  @Test
  void aWriteFromAnotherThreadDuringTheBodyIsCaught() {
    AssertionError finding = assertThrows(AssertionError.class, () -> NoStderr.check(() -> {
      Thread t = new Thread(() -> System.err.print("BinaryPropertyListParser: Length integer has an unexpected type"));
      t.start();
      t.join(10_000);
    }));
    assertTrue(finding.getMessage().contains("Length integer"), finding.getMessage());
  }

  @Test
  void anUncaughtExceptionOnAThreadOfTheInputIsCaught() {
    // The default handler prints "Exception in thread ..." with the stack trace on System.err.
    AssertionError finding = assertThrows(AssertionError.class, () -> NoStderr.check(() -> {
      Thread t = new Thread(() -> {
        throw new IllegalStateException("a reader thread died");
      });
      t.start();
      t.join(10_000);
    }));
    assertTrue(finding.getMessage().contains("a reader thread died"), finding.getMessage());
  }

  @Test
  void theBodysOwnExceptionIsKeptBesideTheFinding() {
    AssertionError finding = assertThrows(AssertionError.class, () -> NoStderr.check(() -> {
      System.err.print("x");
      throw new IOException("refused");
    }));
    assertEquals("refused", finding.getSuppressed()[0].getMessage());
    IOException plain = assertThrows(IOException.class, () -> NoStderr.check(() -> {
      throw new IOException("refused");
    }));
    assertEquals("refused", plain.getMessage());
  }

  @Test
  void longOutputIsQuotedInPartAndCountedWhole() {
    AssertionError finding = assertThrows(AssertionError.class,
        () -> NoStderr.check(() -> System.err.print("e".repeat(10_000))));
    assertTrue(finding.getMessage().contains("10000 bytes, starting \"eee"), finding.getMessage());
    assertTrue(finding.getMessage().length() < NoStderr.KEPT_BYTES + 200, "bounded");
  }

  @Test
  void logLinesAndSilenceAreNoFinding() {
    assertDoesNotThrow(() -> NoStderr.check(() -> {
      LoggerFactory.getLogger(NoStderrTest.class).warn("a log line goes to the log, not into the finding");
      System.out.println("standard output is not checked");
    }));
    assertDoesNotThrow(() -> NoStderr.check(() -> { }));
  }

  @Test
  void jazzersOwnLinesAreNoFinding() {
    // When fuzzing, Jazzer's agent reports each class it instruments ("INFO: Instrumented ...") on System.err as
    // the body loads it: the fuzzer's output, not the code under test's (it stopped the first run with the check).
    assertDoesNotThrow(() -> NoStderr.check(
        () -> com.code_intelligence.jazzer.utils.Log.info("Instrumented dtxkit.Example (took 1 ms, size +1%)")));
  }
}
