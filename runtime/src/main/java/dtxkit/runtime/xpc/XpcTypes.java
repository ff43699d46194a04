package dtxkit.runtime.xpc;

/** The XPC wire type codes (u32, little-endian, written before each object's body). */
public final class XpcTypes {
  /** null. */
  public static final int NULL = 0x1000;
  /** bool. */
  public static final int BOOL = 0x2000;
  /** int64. */
  public static final int INT64 = 0x3000;
  /** uint64. */
  public static final int UINT64 = 0x4000;
  /** double. */
  public static final int DOUBLE = 0x5000;
  /** pointer: known but carries nothing decodable over RemoteXPC. */
  public static final int POINTER = 0x6000;
  /** date. */
  public static final int DATE = 0x7000;
  /** data. */
  public static final int DATA = 0x8000;
  /** string. */
  public static final int STRING = 0x9000;
  /** uuid. */
  public static final int UUID = 0xA000;
  /** file descriptor. */
  public static final int FD = 0xB000;
  /** shared memory. */
  public static final int SHMEM = 0xC000;
  /** mach send right: known, not decodable over RemoteXPC. */
  public static final int MACH_SEND = 0xD000;
  /** array. */
  public static final int ARRAY = 0xE000;
  /** dictionary. */
  public static final int DICTIONARY = 0xF000;
  /** file transfer. */
  public static final int FILE_TRANSFER = 0x1A000;

  private XpcTypes() {}

  /** A readable name for a type code, {@code "unknown"} when it has none. */
  public static String name(int code) {
    return switch (code) {
      case NULL -> "null";
      case BOOL -> "bool";
      case INT64 -> "int64";
      case UINT64 -> "uint64";
      case DOUBLE -> "double";
      case POINTER -> "pointer";
      case DATE -> "date";
      case DATA -> "data";
      case STRING -> "string";
      case UUID -> "uuid";
      case FD -> "fd";
      case SHMEM -> "shmem";
      case MACH_SEND -> "mach_send";
      case ARRAY -> "array";
      case DICTIONARY -> "dictionary";
      case 0x10000 -> "error";
      case 0x11000 -> "connection";
      case 0x12000 -> "endpoint";
      case 0x13000 -> "serializer";
      case 0x14000 -> "pipe";
      case 0x15000 -> "mach_recv";
      case 0x16000 -> "bundle";
      case 0x17000 -> "service";
      case 0x18000 -> "service_instance";
      case 0x19000 -> "activity";
      case FILE_TRANSFER -> "file_transfer";
      default -> "unknown";
    };
  }
}
