package dtxkit.runtime.usbmux;

import dtxkit.runtime.DtxTransport;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link UsbmuxServer} serves: the devices it lists, their pair records, the system BUID and what answers
 * behind {@code Connect}. Called concurrently from the server's connection threads.
 */
public interface UsbmuxDeviceTable {

  /** The devices attached now ({@code ListDevices}, and the first events of {@code Listen}). */
  List<UsbmuxDevice> devices();

  /**
   * {@code ReadPairRecord}.
   *
   * @param udid the UDID asked for
   * @return the pair record's plist bytes, or empty (the server answers {@code Result} 2)
   */
  Optional<byte[]> pairRecord(String udid);

  /**
   * {@code SavePairRecord}: stores a record a client paired; the default refuses (the server answers
   * {@code Result} 1).
   *
   * @param udid the UDID
   * @param record the plist bytes
   * @return true when stored
   */
  default boolean savePairRecord(String udid, byte[] record) {
    return false;
  }

  /** {@code ReadBUID}: the system BUID. */
  String systemBuid();

  /**
   * {@code Connect}: what serves a port of a device.
   *
   * @param device the device (one of {@link #devices()})
   * @param port the port the client asked for, in host order (e.g. 62078)
   * @return the handler, or null to refuse ({@code Result} 3)
   */
  PortHandler connect(UsbmuxDevice device, int port);

  /** Serves one accepted {@code Connect}. */
  @FunctionalInterface
  interface PortHandler {
    /**
     * Takes over the stream after the server has answered {@code Result} 0: from here on it carries the bytes of the
     * device's port. Called on the connection's thread, which the handler may keep for as long as it serves, or return
     * at once after handing the stream to threads of its own. The handler owns the stream and closes it when done
     * (the server also closes it when the server closes).
     *
     * @param stream the client's stream
     * @throws Exception any failure; the server logs one line and closes the stream
     */
    void serve(DtxTransport stream) throws Exception;
  }
}
