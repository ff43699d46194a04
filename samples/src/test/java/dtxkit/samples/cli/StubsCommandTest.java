package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dtxkit stubs} on go-ios's recorded XCTest sessions (MIT; licence beside them in runtime's tests). */
class StubsCommandTest {

  static Path fixture(Path dir, String name) throws Exception {
    try (InputStream in = StubsCommandTest.class.getResourceAsStream("/fixtures/go-ios/dtx/" + name)) {
      return Files.write(dir.resolve(name), in.readAllBytes());
    }
  }

  @Test
  void writesOneFilePerProtocolUnderTheSourceRoot(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("src");
    CliRunner.Result r = CliRunner.run("stubs", "--package", "com.example.found", "-o", out.toString(),
        "--pair", fixture(dir, "conn-out4.dump").toString(), fixture(dir, "conn-in4.dump").toString(),
        fixture(dir, "conn-out2.dump").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("3 interface(s) from 2 connection(s)"), r.err());
    Path daemon = out.resolve("com/example/found/XCTestManager_DaemonConnectionInterface.java");
    assertTrue(r.out().contains(daemon.toString()), r.out());
    assertTrue(Files.readString(daemon).contains("package com.example.found;"));
  }

  @Test
  void withoutOutputTheSourcesGoToStandardOutput(@TempDir Path dir) throws Exception {
    CliRunner.Result r = CliRunner.run("stubs", fixture(dir, "conn-out2.dump").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("package dtxkit.generated;"), r.out());
    assertTrue(r.out().contains("@DtxMethod(\"_IDE_initiateControlSessionWithProtocolVersion:\")"), r.out());
  }

  @Test
  void noChannelIsAnErrorThatSaysWhy(@TempDir Path dir) throws Exception {
    CliRunner.Result r = CliRunner.run("stubs", fixture(dir, "nsnull.bin").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("no service channel in 1 connection(s)"), r.err());
  }

  @Test
  void usageErrors(@TempDir Path dir) throws Exception {
    assertEquals(2, CliRunner.run("stubs").exitCode());
    CliRunner.Result bad = CliRunner.run("stubs", "--package", "not a package", fixture(dir, "conn-out2.dump").toString());
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("not a Java package name"), bad.err());
    assertEquals(2, CliRunner.run("stubs", dir.resolve("missing.bin").toString()).exitCode());
  }
}
