package dtxkit.samples.stubs;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StubsDumpTest {
  @Test
  void dump(@TempDir Path dir) throws Exception {
    Stubs.Result r = Stubs.generate("com.example.found", List.of(
        Stubs.Input.pair(StubCompiler.fixture(dir, "conn-out2.dump"), StubCompiler.fixture(dir, "conn-in2.dump")),
        Stubs.Input.pair(StubCompiler.fixture(dir, "conn-out4.dump"), StubCompiler.fixture(dir, "conn-in4.dump"))));
    r.sources().forEach(s -> System.out.println(s.content()));
    System.out.println(r.warnings() + " " + r.unattributed());
  }
}
