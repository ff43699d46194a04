package dtxkit.services.mock;

import dtxkit.services.lockdown.AfcPacket;
import dtxkit.services.lockdown.ServiceConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The mock's {@code com.apple.afc}: the media area as the device's file area ({@link DeviceState#putFile}); makes
 * directories, opens files for writing (kept when closed) or reading, reads, describes a path. What installers
 * need to stage an .ipa in {@code PublicStaging}.
 */
final class MockAfc {
  /** The largest packet accepted from a client. */
  static final int MAX_PACKET = 16 << 20;
  /** AFC's status for removing a directory that holds something. */
  static final int DIRECTORY_NOT_EMPTY = 33;
  /** The most files open at once on one connection. */
  static final int MAX_OPEN = 64;

  private final DeviceState state;

  MockAfc(DeviceState state) {
    this.state = state;
  }

  private static final class Open {
    final String path;
    final ByteArrayOutputStream written;
    final byte[] content;
    int position;

    Open(String path, ByteArrayOutputStream written, byte[] content) {
      this.path = path;
      this.written = written;
      this.content = content;
    }
  }

  /** Serves one client of the media area until it closes. */
  void serve(ServiceConnection connection) throws IOException {
    serve(connection, "");
  }

  /**
   * Serves one client until it closes, every path it names taken relative to {@code root} (an app's container for
   * house_arrest, empty for the media area).
   */
  void serve(ServiceConnection connection, String root) throws IOException {
    InputStream in = connection.input();
    OutputStream out = connection.output();
    Map<Long, Open> open = new HashMap<>();
    long nextHandle = 1;
    long offset = 0;
    try {
      while (true) {
        AfcPacket p = AfcPacket.read(in, MAX_PACKET, offset);
        if (p == null) {
          return;
        }
        offset += AfcPacket.HEADER_SIZE + p.header().length + p.data().length;
        long op = p.operation();
        if (op == AfcPacket.MAKE_DIR) {
          state.makeDirectory(rooted(root, path(p, 0)));
          status(out, p, AfcPacket.OK);
        } else if (op == AfcPacket.FILE_OPEN) {
          long mode = longAt(p, 0);
          String path = rooted(root, path(p, 8));
          if (open.size() >= MAX_OPEN) {
            status(out, p, AfcPacket.NO_SPACE_LEFT);
          } else if (mode == AfcPacket.MODE_READ) {
            byte[] content = state.file(path);
            if (content == null) {
              status(out, p, AfcPacket.OBJECT_NOT_FOUND);
            } else {
              long handle = nextHandle++;
              open.put(handle, new Open(path, null, content));
              new AfcPacket(p.number(), AfcPacket.FILE_OPEN_RESULT, u64(handle), new byte[0]).write(out);
            }
          } else {
            long handle = nextHandle++;
            open.put(handle, new Open(path, new ByteArrayOutputStream(), null));
            new AfcPacket(p.number(), AfcPacket.FILE_OPEN_RESULT, u64(handle), new byte[0]).write(out);
          }
        } else if (op == AfcPacket.FILE_WRITE) {
          Open f = open.get(longAt(p, 0));
          if (f == null || f.written == null) {
            status(out, p, AfcPacket.INVALID_ARGUMENT);
          } else if (f.written.size() + (long) p.data().length > DeviceState.MAX_FILES) {
            status(out, p, AfcPacket.NO_SPACE_LEFT);
          } else {
            f.written.write(p.data());
            int code = AfcPacket.OK;
            if (!root.isEmpty()) {
              // In an app's container the bytes are in the file as soon as written, as on a device: a client may
              // launch the app that reads them before it closes the file (appium-ios-device does).
              try {
                state.putFile(f.path, f.written.toByteArray());
              } catch (IllegalStateException full) {
                code = AfcPacket.NO_SPACE_LEFT;
              }
            }
            status(out, p, code);
          }
        } else if (op == AfcPacket.FILE_READ) {
          Open f = open.get(longAt(p, 0));
          long length = longAt(p, 1);
          if (f == null || f.content == null || length < 0) {
            status(out, p, AfcPacket.INVALID_ARGUMENT);
          } else {
            int n = (int) Math.min(Math.min(length, MAX_PACKET - 1024), f.content.length - f.position);
            byte[] chunk = java.util.Arrays.copyOfRange(f.content, f.position, f.position + n);
            f.position += n;
            new AfcPacket(p.number(), AfcPacket.DATA, new byte[0], chunk).write(out);
          }
        } else if (op == AfcPacket.FILE_CLOSE) {
          Open f = open.remove(longAt(p, 0));
          if (f == null) {
            status(out, p, AfcPacket.INVALID_ARGUMENT);
          } else {
            int code = AfcPacket.OK;
            if (f.written != null) {
              try {
                state.putFile(f.path, f.written.toByteArray());
              } catch (IllegalStateException full) {
                code = AfcPacket.NO_SPACE_LEFT;
              }
            }
            status(out, p, code);
          }
        } else if (op == AfcPacket.READ_DIR) {
          java.util.List<String> names = state.list(rooted(root, path(p, 0)));
          if (names == null) {
            status(out, p, AfcPacket.OBJECT_NOT_FOUND);
          } else {
            java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(".", ".."));
            all.addAll(names);
            info(out, p, all.toArray(new String[0]));
          }
        } else if (op == AfcPacket.REMOVE_PATH || op == AfcPacket.REMOVE_PATH_AND_CONTENTS) {
          String path = rooted(root, path(p, 0));
          java.util.List<String> inside = state.list(path);
          if (op == AfcPacket.REMOVE_PATH && inside != null && !inside.isEmpty()) {
            status(out, p, DIRECTORY_NOT_EMPTY);
          } else {
            status(out, p, state.remove(path) ? AfcPacket.OK : AfcPacket.OBJECT_NOT_FOUND);
          }
        } else if (op == AfcPacket.GET_FILE_INFO) {
          String path = rooted(root, path(p, 0));
          byte[] content = state.file(path);
          if (content != null) {
            info(out, p, "st_size", Integer.toString(content.length), "st_ifmt", "S_IFREG", "st_nlink", "1");
          } else if (state.isDirectory(path)) {
            info(out, p, "st_size", "64", "st_ifmt", "S_IFDIR", "st_nlink", "2");
          } else {
            status(out, p, AfcPacket.OBJECT_NOT_FOUND);
          }
        } else {
          status(out, p, AfcPacket.UNSUPPORTED);
        }
      }
    } finally {
      connection.close();
    }
  }

  /**
   * {@code path} inside {@code root} (a folder ending in '/', or empty for the media area); ".." stops at the root, so
   * nothing outside an app's container can be named.
   */
  static String rooted(String root, String path) {
    if (root.isEmpty()) {
      return path;
    }
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    return root + String.join("/", parts);
  }

  private static String path(AfcPacket p, int from) {
    int end = p.header().length;
    while (end > from && p.header()[end - 1] == 0) {
      end--;
    }
    return new String(p.header(), from, Math.max(0, end - from), StandardCharsets.UTF_8);
  }

  private static long longAt(AfcPacket p, int i) throws IOException {
    if (p.header().length < 8 * (i + 1)) {
      throw new dtxkit.runtime.DtxProtocolException("AFC header payload", "at least " + 8 * (i + 1) + " bytes",
          p.header().length + " bytes", dtxkit.runtime.DtxProtocolException.UNKNOWN_OFFSET);
    }
    return java.nio.ByteBuffer.wrap(p.header(), 8 * i, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static byte[] u64(long v) {
    return java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  private static void status(OutputStream out, AfcPacket request, int code) throws IOException {
    new AfcPacket(request.number(), AfcPacket.STATUS, u64(code), new byte[0]).write(out);
  }

  private static void info(OutputStream out, AfcPacket request, String... keysAndValues) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String s : keysAndValues) {
      b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      b.write(0);
    }
    new AfcPacket(request.number(), AfcPacket.DATA, new byte[0], b.toByteArray()).write(out);
  }
}
