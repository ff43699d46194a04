package dtxkit.samples.cli;

import dtxkit.services.location.LocationSimulation;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dtxkit location set LAT LON} / {@code dtxkit location clear}: simulated location (iOS 17+ path). */
@Command(name = "location", mixinStandardHelpOptions = true, description = "Simulate the device's location.",
    subcommands = {LocationCommand.Set.class, LocationCommand.Clear.class})
final class LocationCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say 'location set LAT LON' or 'location clear'");
  }

  /**
   * {@code location set LAT LON}: holds the connection until Ctrl-C (or {@code --duration}), because a device ends
   * the simulation as soon as the client that set it leaves.
   */
  @Command(name = "set", mixinStandardHelpOptions = true,
      description = {"Simulate this latitude and longitude until Ctrl-C (or --duration).",
          "A device ends the simulation when dtxkit exits."})
  static final class Set extends DeviceCommand {
    @Parameters(index = "0", paramLabel = "LAT", description = "Latitude in degrees, -90 to 90.")
    double latitude;

    @Parameters(index = "1", paramLabel = "LON", description = "Longitude in degrees, -180 to 180.")
    double longitude;

    /** Only a duration: there are no events to count while a location is held. */
    Double duration;

    @CommandLine.Option(names = "--duration", paramLabel = "SECONDS",
        description = "Stop simulating after this many seconds (decimals allowed; more than 0).")
    void duration(double seconds) {
      StreamOptions.checkDuration(spec, "--duration", seconds);
      duration = seconds;
    }

    @Override
    void validate() {
      if (!(latitude >= -90 && latitude <= 90)) {
        throw usage("LAT must be between -90 and 90, not " + latitude);
      }
      if (!(longitude >= -180 && longitude <= 180)) {
        throw usage("LON must be between -180 and 180, not " + longitude);
      }
    }

    @Override
    int run(DeviceSession session, PrintWriter out) throws InterruptedException {
      EventPump<Object> pump = new EventPump<>().until(session.instruments());
      session.instruments().open(LocationSimulation.class).simulateLocation(latitude, longitude);
      if (json()) {
        Output.printJson(out, Output.object("simulating", true, "latitude", latitude, "longitude", longitude));
      } else {
        out.println("simulating location " + latitude + ", " + longitude);
        out.flush();
      }
      if (duration == null && spec != null) {
        spec.commandLine().getErr().println("dtxkit: holding the simulated location until Ctrl-C (a device ends it"
            + " when dtxkit exits; --duration SECONDS stops by itself)");
        spec.commandLine().getErr().flush();
      }
      EventPump.Stop why = pump.drain(StreamOptions.of(null, duration), e -> false, e -> { });
      if (why == EventPump.Stop.CLOSED && !session.interrupted()) {
        throw new CliException("the device closed the connection, which ended the simulated location"
            + (pump.closeCause() == null ? "" : ": " + pump.closeCause().getMessage()));
      }
      return 0;
    }
  }

  /** {@code location clear}. */
  @Command(name = "clear", mixinStandardHelpOptions = true, description = "Stop simulating a location.")
  static final class Clear extends DeviceCommand {
    @Override
    int run(DeviceSession session, PrintWriter out) {
      LocationSimulation location = session.instruments().open(LocationSimulation.class);
      location.stopLocationSimulation();
      session.flush();
      if (json()) {
        Output.printJson(out, Output.object("simulating", false));
      } else {
        out.println("location simulation stopped");
        out.flush();
      }
      return 0;
    }
  }
}
