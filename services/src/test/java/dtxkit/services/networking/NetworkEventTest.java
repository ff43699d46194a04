package dtxkit.services.networking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dtxkit.runtime.DtxProtocolException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkEventTest {

    @Test
    void ipv4SockaddrLayout() throws Exception {
        byte[] bytes = SocketAddresses.encode(new InetSocketAddress(InetAddress.getByName("17.57.146.52"), 5223));
        assertArrayEquals(new byte[] {0x10, 2, 0x14, 0x67, 17, 57, (byte) 146, 52, 0, 0, 0, 0, 0, 0, 0, 0}, bytes);
        assertEquals(new InetSocketAddress(InetAddress.getByName("17.57.146.52"), 5223),
                SocketAddresses.decode("local", bytes));
    }

    @Test
    void ipv6SockaddrWithScope() throws Exception {
        byte[] address = InetAddress.getByName("fe80::1").getAddress();
        InetSocketAddress scoped = new InetSocketAddress(Inet6Address.getByAddress(null, address, 5), 443);
        byte[] bytes = SocketAddresses.encode(scoped);
        assertEquals(28, bytes.length);
        assertEquals(0x1C, bytes[0]);
        assertEquals(30, bytes[1]);
        assertEquals(5, bytes[24]); // scope id, little-endian
        InetSocketAddress decoded = SocketAddresses.decode("remote", bytes);
        assertEquals(443, decoded.getPort());
        assertEquals(5, ((Inet6Address) decoded.getAddress()).getScopeId());
        assertArrayEquals(address, decoded.getAddress().getAddress());
    }

    @Test
    void badSockaddrs() {
        DtxProtocolException family = assertThrows(DtxProtocolException.class,
                () -> SocketAddresses.decode("remote", new byte[] {0x10, 7, 0, 0}));
        assertEquals("bad remote family 7 (expected 2 or 30) at offset 1", family.getMessage());
        assertFalse(family.isConnectionFatal());
        assertEquals("bad local len 0x1c (expected 0x10) at offset 0", assertThrows(DtxProtocolException.class,
                () -> SocketAddresses.decode("local", new byte[] {0x1C, 2, 0, 0})).getMessage());
        assertEquals("local size", assertThrows(DtxProtocolException.class,
                () -> SocketAddresses.decode("local", new byte[] {0x10, 2, 0, 0})).field());
        assertEquals("local length", assertThrows(DtxProtocolException.class,
                () -> SocketAddresses.decode("local", new byte[] {0x10})).field());
    }

    @Test
    void theThreeEventTypes() throws Exception {
        assertEquals(new NetworkEvent.InterfaceDetection(12, "en0"), NetworkEvent.of(List.of(0, List.of(12, "en0"))));
        byte[] local = SocketAddresses.encode(new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 50_000));
        byte[] remote = SocketAddresses.encode(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 443));
        NetworkEvent.ConnectionDetection c = (NetworkEvent.ConnectionDetection) NetworkEvent.of(
                List.of(1, List.of(local, remote, 12, 345, 131_072, 10, 77L, 1)));
        assertEquals(50_000, c.local().getPort());
        assertEquals(InetAddress.getByName("2001:db8::1"), c.remote().getAddress());
        assertEquals(345, c.pid());
        assertEquals(77L, c.serialNumber());
        assertEquals(new NetworkEvent.ConnectionUpdate(1, 2, 3, 4, 5, 6, 7, 8, 9, 77, 11),
                NetworkEvent.of(List.of(2, List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 77L, 11))));
    }

    @Test
    void malformedEvents() {
        assertEquals("network event type", assertThrows(DtxProtocolException.class,
                () -> NetworkEvent.of(List.of(9, List.of()))).field());
        assertEquals("network event", assertThrows(DtxProtocolException.class,
                () -> NetworkEvent.of("nope")).field());
        assertEquals("connection detection field count", assertThrows(DtxProtocolException.class,
                () -> NetworkEvent.of(List.of(1, List.of(1, 2)))).field());
        assertEquals("local address", assertThrows(DtxProtocolException.class,
                () -> NetworkEvent.of(List.of(1, List.of("x", "y", 1, 2, 3, 4, 5, 6)))).field());
        assertEquals("interface name", assertThrows(DtxProtocolException.class,
                () -> NetworkEvent.of(List.of(0, List.of(1, 2)))).field());
    }
}
