package dtxkit.services.networking;

import dtxkit.runtime.DtxProtocolException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One event of {@link NetworkMonitor}: the device pushes {@code [type, [fields...]]} with type 0 (an interface),
 * 1 (a new connection) or 2 (a connection's counters).
 */
public sealed interface NetworkEvent {

    /**
     * Decodes a pushed event.
     *
     * @param message the OBJECT notification's value
     * @return the event
     * @throws DtxProtocolException an unknown type or fields of the wrong count or kind (not fatal to the connection)
     */
    static NetworkEvent of(Object message) throws DtxProtocolException {
        if (!(message instanceof List<?> pair) || pair.size() != 2) {
            throw bad("network event", "[type, fields]", describe(message));
        }
        if (!(pair.get(1) instanceof List<?> fields)) {
            throw bad("network event fields", "an array", describe(pair.get(1)));
        }
        long type = number("network event type", pair.get(0));
        if (type == 0) {
            need("interface detection", fields, 2);
            if (!(fields.get(1) instanceof String name)) {
                throw bad("interface name", "a string", describe(fields.get(1)));
            }
            return new InterfaceDetection((int) number("interface index", fields.get(0)), name);
        }
        if (type == 1) {
            need("connection detection", fields, 8);
            return new ConnectionDetection(address("local address", fields.get(0)),
                    address("remote address", fields.get(1)), (int) number("interface index", fields.get(2)),
                    (int) number("pid", fields.get(3)), number("recv buffer size", fields.get(4)),
                    number("recv buffer used", fields.get(5)), number("serial", fields.get(6)),
                    (int) number("kind", fields.get(7)));
        }
        if (type == 2) {
            need("connection update", fields, 11);
            long[] v = new long[11];
            String[] names = {"rxPackets", "rxBytes", "txPackets", "txBytes", "rxDups", "rxOOO", "txRetx", "minRTT",
                "avgRTT", "connSerial", "time"};
            for (int i = 0; i < v.length; i++) {
                v[i] = number(names[i], fields.get(i));
            }
            return new ConnectionUpdate(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
        }
        throw bad("network event type", "0, 1 or 2", Long.toString(type));
    }

    /**
     * A network interface the device reports (type 0).
     *
     * @param interfaceIndex the interface index
     * @param name e.g. {@code "en0"}
     */
    record InterfaceDetection(int interfaceIndex, String name) implements NetworkEvent {
    }

    /**
     * A new TCP or UDP connection (type 1).
     *
     * @param local the local address and port
     * @param remote the remote address and port
     * @param interfaceIndex the interface it uses
     * @param pid the owning process
     * @param recvBufferSize the receive buffer size
     * @param recvBufferUsed bytes in the receive buffer
     * @param serialNumber the connection's serial, which {@link ConnectionUpdate#connectionSerial()} refers to
     * @param kind the socket kind (1 TCP, 2 UDP on devices seen)
     */
    record ConnectionDetection(InetSocketAddress local, InetSocketAddress remote, int interfaceIndex, int pid,
            long recvBufferSize, long recvBufferUsed, long serialNumber, int kind) implements NetworkEvent {
    }

    /**
     * Traffic counters of a connection (type 2).
     *
     * @param rxPackets packets received
     * @param rxBytes bytes received
     * @param txPackets packets sent
     * @param txBytes bytes sent
     * @param rxDuplicates duplicate bytes received
     * @param rxOutOfOrder out-of-order bytes received
     * @param txRetransmits retransmitted bytes
     * @param minRtt the minimum round-trip time
     * @param avgRtt the average round-trip time
     * @param connectionSerial the {@link ConnectionDetection#serialNumber()} of the connection
     * @param time the device's time stamp of the update
     */
    record ConnectionUpdate(long rxPackets, long rxBytes, long txPackets, long txBytes, long rxDuplicates,
            long rxOutOfOrder, long txRetransmits, long minRtt, long avgRtt, long connectionSerial, long time)
            implements NetworkEvent {
    }

    private static void need(String what, List<?> fields, int count) throws DtxProtocolException {
        if (fields.size() < count) {
            throw bad(what + " field count", "at least " + count, Integer.toString(fields.size()));
        }
    }

    private static InetSocketAddress address(String field, Object value) throws DtxProtocolException {
        if (!(value instanceof byte[] bytes)) {
            throw bad(field, "sockaddr bytes", describe(value));
        }
        return SocketAddresses.decode(field, bytes);
    }

    private static long number(String field, Object value) throws DtxProtocolException {
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw bad(field, "a number", describe(value));
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }

    private static DtxProtocolException bad(String field, String expected, String actual) {
        return new DtxProtocolException(field, "bad " + field + " " + actual + " (expected " + expected + ")",
                DtxProtocolException.UNKNOWN_OFFSET, false, null);
    }
}
