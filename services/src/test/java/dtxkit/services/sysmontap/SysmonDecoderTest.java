package dtxkit.services.sysmontap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.archive.DTTapMessage;
import dtxkit.runtime.archive.NSKeyedArchiver;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SysmonDecoderTest {

  private static final List<String> PROC = List.of("pid", "name", "cpuUsage");
  private static final List<String> SYS = List.of("physMemSize", "threadCount");

  private static Map<String, Object> row(double total, Object processValues) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("Processes", Map.of(1, processValues));
    row.put("System", List.of(1024L, 300));
    row.put("SystemCPUUsage", Map.of("CPU_TotalLoad", total, "CPU_UserLoad", 1.0, "CPU_SystemLoad", 2.0));
    row.put("CPUCount", 6);
    row.put("StartMachAbsTime", 10L);
    row.put("EndMachAbsTime", 20L);
    return row;
  }

  @Test
  void namesValuesAndMarksOnlyTheFirstSampleInvalid() throws Exception {
    SysmonDecoder decoder = new SysmonDecoder(PROC, SYS);
    assertEquals(List.of(), decoder.decode(Map.of("Status", 0)), "the acknowledgement is no sample");
    List<SysmonSample> first = decoder.decode(List.of(row(100.0, List.of(1, "launchd", 0.0))));
    List<SysmonSample> second = decoder.decode(row(12.5, List.of(1, "launchd", 0.4)));
    assertFalse(first.get(0).valid());
    assertTrue(second.get(0).valid());
    SysmonSample s = second.get(0);
    assertEquals(Map.of("pid", 1, "name", "launchd", "cpuUsage", 0.4), s.process(1).attributes());
    assertEquals(List.of("pid", "name", "cpuUsage"), List.copyOf(s.process(1).attributes().keySet()));
    assertEquals("launchd", s.process(1).name());
    assertEquals(0.4, s.process(1).cpuUsage());
    assertEquals(Map.of("physMemSize", 1024L, "threadCount", 300), s.system());
    assertEquals(12.5, s.cpuTotalLoad());
    assertEquals(6, s.cpuCount());
    assertEquals(10L, s.startMachAbsTime());
    assertEquals(20L, s.endMachAbsTime());
  }

  @Test
  void unwrapsTapMessagesAndArchivedData() throws Exception {
    SysmonDecoder decoder = new SysmonDecoder(PROC, SYS);
    DTTapMessage tap = DTTapMessage.of("DTSysmonTapMessage", row(100.0, List.of(1, "launchd", 0.0)));
    assertEquals(1, decoder.decode(tap).size());
    assertEquals(List.of(), decoder.decode(DTTapMessage.of("DTTapHeartbeatMessage", null)));
    byte[] archived = NSKeyedArchiver.archive(List.of(row(3.0, List.of(1, "launchd", 0.1))));
    List<SysmonSample> fromData = decoder.decode(archived);
    assertEquals(1, fromData.size());
    assertTrue(fromData.get(0).valid());
  }

  @Test
  void aRowWithTheWrongValueCountNamesTheFieldAndIsNotFatal() throws Exception {
    SysmonDecoder decoder = new SysmonDecoder(PROC, SYS);
    DtxProtocolException e = assertThrows(DtxProtocolException.class,
        () -> decoder.decode(row(1.0, List.of(1, "launchd"))));
    assertEquals("Processes[1]", e.field());
    assertEquals("bad Processes[1] 2 values (expected 3 values (one per configured attribute))", e.getMessage());
    assertFalse(e.isConnectionFatal());
    assertEquals(1, decoder.decode(row(1.0, List.of(1, "launchd", 0.0))).size());
  }

  @Test
  void otherMalformedShapes() {
    SysmonDecoder decoder = new SysmonDecoder(PROC, SYS);
    assertEquals("Processes", assertThrows(DtxProtocolException.class,
        () -> decoder.decode(Map.of("Processes", List.of()))).field());
    assertEquals("Processes key", assertThrows(DtxProtocolException.class,
        () -> decoder.decode(Map.of("Processes", Map.of("x", List.of(1, "a", 0.0))))).field());
    assertEquals("CPU_TotalLoad", assertThrows(DtxProtocolException.class,
        () -> decoder.decode(Map.of("SystemCPUUsage", Map.of("CPU_TotalLoad", "high")))).field());
    assertEquals("sysmontap message", assertThrows(DtxProtocolException.class,
        () -> decoder.decode(42)).field());
    assertThrows(DtxProtocolException.class, () -> decoder.decode(new byte[] {1, 2, 3}));
  }

  @Test
  void configCarriesTheIntervalInNanoseconds() {
    Map<String, Object> config = SysmonConfig.of(PROC, SYS, Duration.ofMillis(500));
    assertEquals(500_000_000L, config.get("sampleInterval"));
    assertEquals(PROC, config.get("procAttrs"));
    assertEquals(SYS, config.get("sysAttrs"));
    assertEquals(true, config.get("cpuUsage"));
    assertThrows(IllegalArgumentException.class, () -> SysmonConfig.of(PROC, SYS, Duration.ZERO));
  }

  @Test
  void configLetsTheSampleIntervalSetThePace() {
    // "ur" is the output rate in ms: pymobiledevice3 and appium-ios-remotexpc both send the minimum, 1, so that
    // sampleInterval decides how often samples come. 1000 would hold a device to one message a second.
    Map<String, Object> config = SysmonConfig.of(PROC, SYS, Duration.ofMillis(200));
    assertEquals(1, config.get("ur"));
    assertEquals(0, config.get("bm"));
    assertEquals(true, config.get("physFootprint"));
  }
}
