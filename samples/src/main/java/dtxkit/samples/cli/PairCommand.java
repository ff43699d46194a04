package dtxkit.samples.cli;

import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.LockdownException;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.lockdown.PairRecordStore;
import dtxkit.runtime.lockdown.Pairing;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit pair}: pairs a phone on usbmuxd with this computer (the "Trust This Computer?" dialog), and saves
 * the pair record with usbmuxd, or in a folder when usbmuxd refuses.
 */
@Command(name = "pair", mixinStandardHelpOptions = true,
    description = {"Pair a device on usbmuxd with this computer: unlock it and tap Trust when it asks.",
        "The record is saved with usbmuxd (SavePairRecord), else in --records DIR."})
final class PairCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin Output output;

  @Option(names = "--udid", paramLabel = "UDID", description = "The device (default: the only one).")
  String udid;

  @Option(names = "--records", paramLabel = "DIR",
      description = "Where to save the record when usbmuxd does not take it (default: ~/.pymobiledevice3).")
  Path records;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long to wait for Trust to be tapped (default ${DEFAULT-VALUE}).")
  int timeout;

  @Override
  public Integer call() throws Exception {
    if (timeout < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be at least 1, not " + timeout);
    }
    PrintWriter out = spec.commandLine().getOut();
    UsbmuxClient usbmux = DeviceOptions.usbmux(spec);
    UsbmuxDevice device = UsbLink.pick(usbmux, UsbLink.devices(usbmux), udid);
    PairRecord record;
    try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, LockdownClient.Options.DEFAULT)) {
      if (!output.json) {
        out.println("pairing with " + device.udid() + ": unlock the device and tap Trust");
        out.flush();
      }
      String buid = usbmux.readBuid();
      record = Pairing.pair(lockdown, buid, Pairing.Options.DEFAULT.withDialog(Duration.ofSeconds(timeout),
          Pairing.Options.DEFAULT.retryInterval()));
    } catch (LockdownException e) {
      throw new CliException("pairing with " + device.udid() + " failed: " + e.getMessage(), e);
    }
    String savedTo;
    boolean saved;
    try {
      usbmux.savePairRecord(device.udid(), device.deviceId(), record.toBytes());
      saved = true;
    } catch (IOException e) {
      saved = false;
    }
    if (saved) {
      savedTo = "usbmuxd " + usbmux.address();
    } else {
      Path folder = records != null ? records
          : Path.of(System.getProperty("user.home"), ".pymobiledevice3");
      savedTo = PairRecordStore.save(folder, device.udid(), record).toString();
    }
    if (output.json) {
      Output.printJson(out, Output.object("udid", device.udid(), "hostId", record.hostId(), "savedTo", savedTo));
    } else {
      out.println("paired with " + device.udid() + " (host id " + record.hostId() + "); record saved to " + savedTo);
    }
    out.flush();
    return 0;
  }
}
