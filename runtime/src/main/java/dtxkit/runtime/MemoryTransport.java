package dtxkit.runtime;

import java.io.InputStream;
import java.io.OutputStream;

/** One end of {@link DtxTransport#memoryPair()}: reads one pipe, writes the other. */
final class MemoryTransport implements DtxTransport {

  private final String description;
  private final MemoryPipe in;
  private final MemoryPipe out;

  MemoryTransport(String description, MemoryPipe in, MemoryPipe out) {
    this.description = description;
    this.in = in;
    this.out = out;
  }

  @Override
  public InputStream input() {
    return in.input();
  }

  @Override
  public OutputStream output() {
    return out.output();
  }

  @Override
  public void close() {
    // Closing one end ends both directions, like a socket: our reads see EOF, the peer's reads see EOF.
    in.close();
    out.close();
  }

  @Override
  public String description() {
    return description;
  }
}
