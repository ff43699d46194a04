package dtxkit.services.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.services.DeviceStream;
import dtxkit.services.Instruments;
import dtxkit.services.LaunchRequest;
import dtxkit.services.ProcessEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Several clients on one mock device, as on a device: each sees its own processes' callbacks and its own replies. */
class IndependentClientsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void eachClientGetsTheCallbacksOfWhatItLaunched() throws Exception {
        try (MockDevice device = MockDevice.start();
                Instruments a = device.connect();
                Instruments b = device.connect();
                DeviceStream.Iterator<ProcessEvent> eventsA = a.processEvents().iterator();
                DeviceStream.Iterator<ProcessEvent> eventsB = b.processEvents().iterator()) {
            int pidA = a.launch(LaunchRequest.of("com.apple.mobilesafari").withKillExisting(true));
            ProcessEvent firstA = eventsA.poll(WAIT);
            assertInstanceOf(ProcessEvent.Output.class, firstA);
            assertEquals(pidA, firstA.pid());
            a.kill(pidA);

            // B launched nothing yet: its first event must be about its own launch, not A's output or A's kill.
            int pidB = b.launch(LaunchRequest.of("com.apple.Maps").withKillExisting(true));
            ProcessEvent firstB = eventsB.poll(WAIT);
            assertNotNull(firstB);
            assertEquals(pidB, firstB.pid(), "B saw " + firstB);

            ProcessEvent next = eventsA.poll(WAIT);
            while (next instanceof ProcessEvent.Output) {
                next = eventsA.poll(WAIT);
            }
            assertEquals(new ProcessEvent.Terminated(pidA, null, 9), next);
            b.kill(pidB);
            assertEquals(2, device.connections().size());
        }
    }

    @Test
    void concurrentCallersGetTheirOwnReplies() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (MockDevice device = MockDevice.start();
                Instruments a = device.connect();
                Instruments b = device.connect()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Instruments client = i % 2 == 0 ? a : b;
                int pid = i % 3 == 0 ? 1 : 0;
                results.add(pool.submit(() -> client.execname(pid)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i % 3 == 0 ? "/sbin/launchd" : "/kernel", results.get(i).get());
            }
            assertTrue(a.processes().size() > 10);
        } finally {
            pool.shutdownNow();
        }
    }
}
