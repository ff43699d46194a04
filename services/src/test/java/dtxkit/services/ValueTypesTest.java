package dtxkit.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dtxkit.services.deviceinfo.MachTimeInfo;
import dtxkit.services.energy.EnergySample;
import dtxkit.services.graphics.GraphicsSample;
import dtxkit.services.screenshot.ImageFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small value types of the catalogue. */
class ValueTypesTest {

  @Test
  void machTime() {
    MachTimeInfo clock = MachTimeInfo.of(List.of(24_000_000L, 125L, 3L, 0L));
    assertEquals(1_000_000_000L, clock.toNanos(24_000_000L));
    assertEquals((long) (Long.MAX_VALUE / 3.0 * 125), clock.toNanos(Long.MAX_VALUE / 3));
    assertThrows(IllegalArgumentException.class, () -> MachTimeInfo.of(List.of(1L, 2L)));
    assertThrows(IllegalArgumentException.class, () -> MachTimeInfo.of(List.of(1L, 2L, 0L)));
    assertThrows(IllegalArgumentException.class, () -> MachTimeInfo.of(List.of(1L, 2.5, 3L)));
    // the device's whole answer: continuous time, system time (fractional seconds) and time zone follow
    MachTimeInfo device = MachTimeInfo.of(List.of(1536005260807L, 125, 3, 1713684132688L, 1764942215.065243,
        "Asia/Kolkata"));
    assertEquals(new MachTimeInfo(1536005260807L, 125, 3), device);
  }

  @Test
  void imageFormats() {
    assertEquals(ImageFormat.PNG, ImageFormat.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}));
    assertEquals(ImageFormat.TIFF, ImageFormat.of(new byte[] {'I', 'I', 42, 0}));
    assertEquals(ImageFormat.TIFF, ImageFormat.of(new byte[] {'M', 'M', 0, 42}));
    assertEquals(ImageFormat.UNKNOWN, ImageFormat.of(new byte[] {1}));
    assertEquals("tiff", ImageFormat.TIFF.extension());
  }

  @Test
  void graphicsAndEnergySamplesKeepEveryValue() {
    Map<String, Object> counters = new HashMap<>();
    counters.put(GraphicsSample.FPS, 59);
    counters.put("odd", null);
    GraphicsSample g = GraphicsSample.of(counters);
    assertEquals(59.0, g.framesPerSecond());
    assertEquals(-1.0, g.deviceUtilization());
    assertEquals(counters, g.counters());
    assertThrows(IllegalArgumentException.class, () -> GraphicsSample.of(Map.of(GraphicsSample.FPS, "fast")));

    EnergySample e = EnergySample.of(7, Map.of("energy.cost", 3.5, "energy.cpu.cost", 2));
    assertEquals(3.5, e.cost());
    assertEquals(2.0, e.cpuCost());
    assertEquals(-1.0, e.gpuCost());
    assertThrows(IllegalArgumentException.class, () -> EnergySample.of(7, Map.of("energy.cost", "x")));
  }

  @Test
  void launchRequestOptions() {
    LaunchRequest r = LaunchRequest.of("com.apple.Maps").withKillExisting(true).withStartSuspended(false);
    assertEquals(Map.of("StartSuspendedKey", false, "KillExisting", true), r.options());
    assertEquals(List.of("-a"), r.withArguments(List.of("-a")).arguments());
  }
}
