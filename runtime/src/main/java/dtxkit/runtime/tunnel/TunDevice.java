package dtxkit.runtime.tunnel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dtxkit.runtime.tunnel.tcp.PacketLink;
import java.io.IOException;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Linux TUN device (IPv6 packets without a protocol-information header), made through {@code /dev/net/tun} and
 * configured with iproute2's {@code ip}, as a {@link PacketLink}: so that the kernel's TCP stack plays the other
 * side, or so that programs on this machine reach a device through a CoreDeviceProxy tunnel ({@code dtxkit
 * tunneld}). Needs Linux, CAP_NET_ADMIN, iproute2 and JNA on the class path (an optional dependency of dtxkit-runtime);
 * {@link #unavailableReason()} says what is missing.
 */
public final class TunDevice implements PacketLink {
  private static final int O_RDWR = 2;
  private static final int IFF_TUN = 0x0001;
  private static final int IFF_NO_PI = 0x1000;
  private static final long TUNSETIFF = 0x400454caL;
  private static final short POLLIN = 0x0001;

  /**
   * The C library calls used, bound by JNA's direct mapping (much less overhead per call than a proxy). The
   * {@code size_t}/{@code ssize_t}/{@code nfds_t} and {@code unsigned long} parameters are Java {@code long}s: on the
   * LP64 Linux this runs on (checked by {@link #unavailableReason()}) they are 64 bits, and primitives cross JNA's
   * direct mapping without the per-call reflection a {@code NativeLong} costs (a profile of the TUN benchmark showed
   * it: a constructor looked up and an object made for every packet's return value).
   */
  static final class LibC {
    static native int open(String path, int flags) throws LastErrorException;

    static native int ioctl(int fd, long request, byte[] ifreq) throws LastErrorException;

    static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    static native int poll(byte[] fds, long nfds, int timeout) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
  }

  private static boolean registered;
  private final String name;
  private final int fd;
  private final int mtu;
  private volatile boolean closed;
  private final Object writeLock = new Object();
  /**
   * The reader's and the writers' native buffers (one reader at a time; writers take {@link #writeLock}): a packet
   * is copied in or out once, and JNA passes just the address (a Java array would be copied into memory it
   * allocates and frees on every call).
   */
  private final Memory readBuffer;
  private Memory writeBuffer;
  private final byte[] pollfd = new byte[8];

  private TunDevice(String name, int fd, int mtu) {
    this.name = name;
    this.fd = fd;
    this.mtu = mtu;
    this.readBuffer = new Memory(mtu + 64);
    this.writeBuffer = new Memory(mtu + 64);
    pollfd[0] = (byte) fd;
    pollfd[1] = (byte) (fd >>> 8);
    pollfd[2] = (byte) (fd >>> 16);
    pollfd[3] = (byte) (fd >>> 24);
    pollfd[4] = (byte) POLLIN;
  }

  /** Why a TUN device cannot be made here, or null when it can (tried once by creating and removing one). */
  public static synchronized String unavailableReason() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return "not Linux";
    }
    if (!new java.io.File("/dev/net/tun").exists()) {
      return "/dev/net/tun does not exist";
    }
    try {
      run("ip", "-V");
    } catch (IOException e) {
      return "iproute2's ip is not installed (" + e.getMessage() + ")";
    }
    try {
      Class.forName("com.sun.jna.Native");
    } catch (ClassNotFoundException e) {
      return "JNA (net.java.dev.jna:jna) is not on the class path";
    }
    if (Native.LONG_SIZE != 8) {
      return "a C long of " + Native.LONG_SIZE + " bytes (only 64-bit Linux is supported)";
    }
    try {
      libc();
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return "the C library cannot be loaded through JNA: " + e;
    }
    try (TunDevice probe = open(fd00(), 64, 1500)) {
      return null;
    } catch (IOException | RuntimeException e) {
      return "cannot make a TUN device (" + e.getMessage() + "); run as root or with CAP_NET_ADMIN";
    }
  }

  private static synchronized Class<LibC> libc() {
    if (!registered) {
      Native.register(LibC.class, "c");
      registered = true;
    }
    return LibC.class;
  }

  private static Inet6Address fd00() {
    try {
      byte[] a = new byte[16];
      a[0] = (byte) 0xfd;
      new SecureRandom().nextBytes(a);
      a[0] = (byte) 0xfd;
      a[15] = 1;
      return (Inet6Address) java.net.InetAddress.getByAddress(a);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Makes a TUN device named {@code dtxk} plus random hex, gives the kernel {@code kernelAddress/prefix} on it
   * (no duplicate address detection), sets its MTU and brings it up. The device disappears when closed.
   *
   * @param kernelAddress the kernel's address on the device
   * @param prefix the prefix length (the kernel routes the rest of the prefix to the device)
   * @param mtu the device's MTU
   * @return the device
   * @throws IOException when the device cannot be made or configured
   */
  public static TunDevice open(Inet6Address kernelAddress, int prefix, int mtu) throws IOException {
    String name = String.format("dtxk%08x", new SecureRandom().nextInt()).substring(0, 12);
    libc();
    int fd;
    try {
      fd = LibC.open("/dev/net/tun", O_RDWR);
    } catch (LastErrorException e) {
      throw new IOException("open /dev/net/tun: errno " + e.getErrorCode());
    }
    byte[] ifreq = new byte[40];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, ifreq, 0, n.length);
    int flags = IFF_TUN | IFF_NO_PI;
    ifreq[16] = (byte) flags;
    ifreq[17] = (byte) (flags >>> 8);
    try {
      LibC.ioctl(fd, TUNSETIFF, ifreq);
    } catch (LastErrorException e) {
      LibC.close(fd);
      throw new IOException("ioctl TUNSETIFF: errno " + e.getErrorCode());
    }
    TunDevice tun = new TunDevice(name, fd, mtu);
    try {
      run("ip", "link", "set", "dev", name, "mtu", Integer.toString(mtu));
      run("ip", "-6", "addr", "add", kernelAddress.getHostAddress() + "/" + prefix, "dev", name, "nodad");
      run("ip", "link", "set", "dev", name, "up");
    } catch (IOException | RuntimeException e) {
      tun.close();
      throw e;
    }
    return tun;
  }

  /**
   * Runs a command (iproute2's {@code ip}), failing with its output when it fails.
   *
   * @param command the command and its arguments
   * @throws IOException when it cannot run, fails or takes more than 10 s
   */
  static void run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": no answer in 10 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new java.io.InterruptedIOException("interrupted running " + command[0]);
    }
  }

  /** The interface's name. */
  public String name() {
    return name;
  }

  @Override
  public byte[] read() throws IOException {
    while (!closed) {
      int ready;
      try {
        ready = LibC.poll(pollfd, 1, 100);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == 4) {
          continue;   // EINTR
        }
        throw new IOException("poll " + name + ": errno " + e.getErrorCode());
      }
      if (ready <= 0 || closed) {
        continue;
      }
      long n;
      try {
        n = LibC.read(fd, readBuffer, readBuffer.size());
      } catch (LastErrorException e) {
        if (closed) {
          return null;
        }
        throw new IOException("read " + name + ": errno " + e.getErrorCode());
      }
      if (n <= 0) {
        return null;
      }
      byte[] packet = new byte[(int) n];
      readBuffer.read(0, packet, 0, packet.length);
      return packet;
    }
    return null;
  }

  @Override
  public void write(byte[] packet, int offset, int length) throws IOException {
    java.util.Objects.checkFromIndexSize(offset, length, packet.length);
    synchronized (writeLock) {
      if (closed) {
        throw new IOException(name + " is closed");
      }
      if (length > writeBuffer.size()) {
        writeBuffer = new Memory(length);   // over the MTU: the kernel decides (a packet is at most 64 KiB)
      }
      writeBuffer.write(0, packet, offset, length);
      try {
        LibC.write(fd, writeBuffer, length);
      } catch (LastErrorException e) {
        // EINVAL / EMSGSIZE for a packet the kernel refuses: a link drops it.
        if (e.getErrorCode() != 22 && e.getErrorCode() != 90) {
          throw new IOException("write " + name + ": errno " + e.getErrorCode());
        }
      }
    }
  }

  @Override
  public void flush() {
    // Each write is a packet.
  }

  /** True: the kernel takes a written packet in at once, or drops it. */
  @Override
  public boolean writesNeverBlock() {
    return true;
  }

  @Override
  public String description() {
    return "TUN " + name;
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // poll() wakes within 100 ms and sees the flag; then the descriptor goes, and with it the device.
    try {
      Thread.sleep(150);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LibC.close(fd);
  }
}
