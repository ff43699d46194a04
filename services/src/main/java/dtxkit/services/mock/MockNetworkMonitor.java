package dtxkit.services.mock;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxException;
import dtxkit.services.networking.NetworkMonitor;
import dtxkit.services.networking.SocketAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The mock device's networking, one per channel: on {@code startMonitoring} its interfaces (type 0) and open
 * connections (type 1, endpoints as sockaddr structs), then every 250 ms a counters update (type 2) per connection.
 */
final class MockNetworkMonitor implements NetworkMonitor {

    private record Connection(String local, int localPort, String remote, int remotePort, int ifIndex, String owner,
            long serial, int kind) {
    }

    private static final List<Connection> CONNECTIONS = List.of(
            new Connection("192.168.1.23", 49_731, "17.57.146.52", 5223, 12, "apsd", 1, 1),
            new Connection("192.168.1.23", 49_802, "17.253.53.207", 443, 12, "nsurlsessiond", 2, 1),
            new Connection("fe80::1c2b:3aff:fe4d:5e6f", 5353, "ff02::fb", 5353, 12, "mDNSResponder", 3, 2),
            new Connection("2a01:e0a:1f2:3b40:1c2b:3aff:fe4d:5e6f", 49_911, "2a00:1450:4007:80e::200e", 443, 12,
                    "SpringBoard", 4, 1));

    private final DeviceState state;
    private final DtxChannel channel;
    private ScheduledFuture<?> updates;
    private long tick;

    MockNetworkMonitor(DeviceState state, DtxChannel channel) {
        this.state = state;
        this.channel = channel;
    }

    @Override
    public synchronized void startMonitoring() {
        if (updates != null) {
            return;
        }
        channel.sendNotification(List.of(0, List.of(1, "lo0")));
        channel.sendNotification(List.of(0, List.of(3, "pdp_ip0")));
        channel.sendNotification(List.of(0, List.of(12, "en0")));
        for (Connection c : CONNECTIONS) {
            MockProcess owner = ownerPid(c.owner());
            channel.sendNotification(List.of(1, List.of(sockaddr(c.local(), c.localPort()),
                    sockaddr(c.remote(), c.remotePort()), c.ifIndex(), owner == null ? 0 : owner.pid(), 131_072,
                    0, c.serial(), c.kind())));
        }
        updates = state.scheduler.scheduleAtFixedRate(this::update, 50, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stopMonitoring() {
        if (updates != null) {
            updates.cancel(false);
            updates = null;
        }
    }

    private synchronized void update() {
        if (!channel.isOpen()) {
            stopMonitoring();
            return;
        }
        tick++;
        try {
            for (Connection c : CONNECTIONS) {
                long n = tick * c.serial();
                channel.sendNotification(List.of(2, List.of(n * 3, n * 1400, n * 2, n * 300, 0, 0, 0, 18 + c.serial(),
                        24 + c.serial(), c.serial(), state.clock.now())));
            }
        } catch (DtxException closed) {
            stopMonitoring();
        }
    }

    private MockProcess ownerPid(String name) {
        for (MockProcess p : state.processes()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    private static byte[] sockaddr(String literal, int port) {
        try {
            return SocketAddresses.encode(new InetSocketAddress(InetAddress.getByName(literal), port));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not an IP literal: " + literal, e);
        }
    }
}
