package dtxkit.services.taps;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.annotations.OnData;
import java.util.Map;

/**
 * The unified log and signposts as a binary stream: the {@code activitytracetap} Instruments service.
 *
 * <p>A device answers {@link #setConfig} and {@link #start} (appium-ios-remotexpc waits for those replies;
 * pymobiledevice3 asks for none, which a device accepts too); {@link #stop} gets no reply. The stream arrives as DATA messages handed out
 * as byte chunks through {@link Events#data}; the first message is an acknowledgement, and archived plists between
 * chunks are heartbeats. An opcode may straddle two chunks.
 */
@DtxService("com.apple.instruments.server.services.activitytracetap")
public interface ActivityTraceTap {

  /**
   * Configures the tap and waits for the device's answer: {@code bm}, {@code predicate}, {@code signpostsAndLogs}, {@code targetPID},
   * {@code ur}, ...
   *
   * @param config the configuration
   * @throws dtxkit.runtime.DtxRemoteException the device refused the configuration
   */
  @DtxMethod("setConfig:")
  void setConfig(Map<String, Object> config);

  /** Starts the stream and waits for the device's answer; the stream's first DATA message is its acknowledgement. */
  @DtxMethod("start")
  void start();

  /** Stops the stream (no reply). */
  @DtxMethod(value = "stop", oneway = true)
  void stop();

  /** The stream. */
  interface Events {

    /**
     * One DATA message of the stream.
     *
     * @param chunk the bytes, owned by the receiver
     */
    @OnData
    default void data(byte[] chunk) {
    }
  }
}
