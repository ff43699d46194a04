package dtxkit.services.networking;

import dtxkit.runtime.DtxProtocolException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The Darwin {@code sockaddr_in} / {@code sockaddr_in6} structs that {@link NetworkMonitor} events carry.
 *
 * <pre>
 *  sockaddr_in (16 bytes)                    sockaddr_in6 (28 bytes)
 *  +0  u8  sin_len = 0x10                    +0  u8  sin6_len = 0x1C
 *  +1  u8  sin_family = 2 (AF_INET)          +1  u8  sin6_family = 30 (AF_INET6)
 *  +2  u16 sin_port, big-endian              +2  u16 sin6_port, big-endian
 *  +4  4   sin_addr                          +4  u32 sin6_flowinfo
 *  +8  8   zero                              +8  16  sin6_addr
 *                                            +24 u32 sin6_scope_id (host order, little-endian)
 * </pre>
 */
public final class SocketAddresses {

    /** Darwin's {@code AF_INET}. */
    public static final int AF_INET = 2;
    /** Darwin's {@code AF_INET6} (30, not Linux's 10). */
    public static final int AF_INET6 = 30;

    private static final int SOCKADDR_IN_LEN = 0x10;
    private static final int SOCKADDR_IN6_LEN = 0x1C;

    private SocketAddresses() {
    }

    /**
     * Reads a sockaddr struct; the address is built from its bytes, never looked up.
     *
     * @param field the event field it came from, for the error message
     * @param sockaddr the struct's bytes
     * @return the address and port
     * @throws DtxProtocolException a length or family that is neither IPv4 nor IPv6, or too few bytes (not fatal
     *     to the connection)
     */
    public static InetSocketAddress decode(String field, byte[] sockaddr) throws DtxProtocolException {
        Objects.requireNonNull(sockaddr, "sockaddr");
        if (sockaddr.length < 2) {
            throw bad(field + " length", "at least 2 bytes", sockaddr.length + " bytes", 0);
        }
        int len = sockaddr[0] & 0xFF;
        int family = sockaddr[1] & 0xFF;
        int expectedLen = switch (family) {
            case AF_INET -> SOCKADDR_IN_LEN;
            case AF_INET6 -> SOCKADDR_IN6_LEN;
            default -> throw bad(field + " family", AF_INET + " or " + AF_INET6, Integer.toString(family), 1);
        };
        if (len != expectedLen) {
            throw bad(field + " len", "0x" + Integer.toHexString(expectedLen), "0x" + Integer.toHexString(len), 0);
        }
        if (sockaddr.length < len) {
            throw bad(field + " size", len + " bytes", sockaddr.length + " bytes", 0);
        }
        ByteBuffer buffer = ByteBuffer.wrap(sockaddr);
        int port = buffer.getShort(2) & 0xFFFF;
        try {
            if (family == AF_INET) {
                byte[] address = new byte[4];
                buffer.get(4, address);
                return new InetSocketAddress(InetAddress.getByAddress(address), port);
            }
            byte[] address = new byte[16];
            buffer.get(8, address);
            int scope = buffer.order(ByteOrder.LITTLE_ENDIAN).getInt(24);
            InetAddress inet = scope == 0 ? InetAddress.getByAddress(address)
                    : Inet6Address.getByAddress(null, address, scope);
            return new InetSocketAddress(inet, port);
        } catch (UnknownHostException e) {
            // getByAddress only throws for a wrong array length, which the checks above rule out.
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a sockaddr struct as a device does.
     *
     * @param address an IPv4 or IPv6 address with a port (not unresolved)
     * @return 16 or 28 bytes
     * @throws IllegalArgumentException an unresolved address
     */
    public static byte[] encode(InetSocketAddress address) {
        InetAddress inet = address.getAddress();
        if (inet == null) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        if (inet instanceof Inet4Address) {
            ByteBuffer buffer = ByteBuffer.allocate(SOCKADDR_IN_LEN);
            buffer.put((byte) SOCKADDR_IN_LEN).put((byte) AF_INET).putShort((short) address.getPort());
            buffer.put(inet.getAddress());
            return buffer.array();
        }
        Inet6Address inet6 = (Inet6Address) inet;
        ByteBuffer buffer = ByteBuffer.allocate(SOCKADDR_IN6_LEN);
        buffer.put((byte) SOCKADDR_IN6_LEN).put((byte) AF_INET6).putShort((short) address.getPort());
        buffer.putInt(0);
        buffer.put(inet6.getAddress());
        buffer.order(ByteOrder.LITTLE_ENDIAN).putInt(inet6.getScopeId());
        return buffer.array();
    }

    private static DtxProtocolException bad(String field, String expected, String actual, long offset) {
        return new DtxProtocolException(field, "bad " + field + " " + actual + " (expected " + expected + ")", offset,
                false, null);
    }
}
