package dtxkit.samples.cli;

import dtxkit.samples.stubs.Stubs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dtxkit stubs}: generates annotated service interfaces from recorded DTX traffic (see {@link Stubs}).
 * Generated files are never edited by hand: regenerate them from new recordings, and extend them (or copy a method
 * into an interface of your own) to improve names and types.
 */
@Command(
    name = "stubs",
    mixinStandardHelpOptions = true,
    description = {
      "Generate @DtxService interfaces from recorded DTX traffic: a dtxkit proxy recording, raw DTX byte streams,"
          + " or --pair for both directions of one connection.",
      "One interface per service identifier (dtxproxy: channels give one per protocol): a @DtxMethod per selector"
          + " the client sent, an @OnNotification per selector the service sent, types from the values seen.",
      "Generated files are meant to be regenerated, not edited: extend them in your own code."
    })
final class StubsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "FILE", description = "a dtxkit proxy recording or a raw DTX byte stream")
  List<Path> files = new ArrayList<>();

  @Option(names = "--pair", arity = "2", paramLabel = "FILE",
      description = "two raw streams that are the two directions of one connection (repeatable)")
  List<Path> pairs = new ArrayList<>();

  @Option(names = "--package", paramLabel = "NAME", description = "the package of the generated interfaces"
      + " (default: ${DEFAULT-VALUE})", defaultValue = "dtxkit.generated")
  String packageName;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR",
      description = "a source root to write the files under (package folders are created); without it the sources"
          + " go to standard output")
  Path output;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (files.isEmpty() && pairs.isEmpty()) {
      err.println("dtxkit stubs: give at least one FILE (a recording or a raw stream) or --pair FILE FILE");
      return 2;
    }
    List<Stubs.Input> inputs = new ArrayList<>();
    for (Path file : files) {
      inputs.add(Stubs.Input.of(readable(file)));
    }
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      inputs.add(Stubs.Input.pair(readable(pairs.get(i)), readable(pairs.get(i + 1))));
    }
    Stubs.Result result;
    try {
      result = Stubs.generate(packageName, inputs);
    } catch (IllegalArgumentException e) {
      err.println("dtxkit stubs: --package: " + e.getMessage());
      return 2;
    }
    for (String warning : result.warnings()) {
      err.println("dtxkit stubs: warning: " + warning);
    }
    if (result.sources().isEmpty()) {
      err.println("dtxkit stubs: no service channel in " + result.connections() + " connection(s): nothing to"
          + " generate (a channel's calls need the _requestChannelWithCode:identifier: that opened it;"
          + " give both directions with --pair when the other side opened it)");
      return 1;
    }
    if (output == null) {
      for (Stubs.Source s : result.sources()) {
        out.print(s.content());
      }
    } else {
      for (Path written : result.writeTo(output)) {
        out.println(written);
      }
    }
    err.println("dtxkit stubs: " + result.sources().size() + " interface(s) from " + result.connections()
        + " connection(s)" + (result.unattributed() > 0 ? "; " + result.unattributed()
            + " message(s) on channels opened before the recording began were left out" : ""));
    out.flush();
    return 0;
  }

  private static Path readable(Path file) {
    if (Files.isDirectory(file)) {
      throw new CliException("cannot read " + file + ": it is a directory, not a file", null, 2);
    }
    if (!Files.isReadable(file)) {
      throw new CliException("cannot read " + file + ": no such file, or not readable", null, 2);
    }
    return file;
  }
}
