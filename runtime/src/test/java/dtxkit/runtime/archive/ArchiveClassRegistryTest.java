package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link ArchiveClassRegistry#encoderFor} remembers its answer per class, and a codec registered later is found
 * afterwards all the same (the most recently registered codec for a type wins, cached or not).
 */
class ArchiveClassRegistryTest {

  /** A codec for TreeMaps, written as dictionaries. */
  private static final class SortedDictionaryCodec implements ArchiveClassCodec<TreeMap> {
    @Override
    public Class<TreeMap> javaType() {
      return TreeMap.class;
    }

    @Override
    public List<String> classNames() {
      return List.of("DTXSortedDictionary");
    }

    @Override
    public List<String> classChain(TreeMap value) {
      return List.of("DTXSortedDictionary", "NSDictionary", "NSObject");
    }

    @Override
    public void encode(TreeMap value, ArchiveWriter out) {
      out.encodeReferences("NS.keys", value.keySet());
      out.encodeReferences("NS.objects", value.values());
    }

    @Override
    public Object decode(ArchiveReader in) {
      return new TreeMap<>();
    }
  }

  @Test
  void aCodecRegisteredAfterALookupIsFound() {
    ArchiveClassRegistry registry = ArchiveClassRegistry.builtIns();
    ArchiveClassCodec<?> dictionary = registry.encoderFor(LinkedHashMap.class).orElseThrow();
    assertSame(dictionary, registry.encoderFor(TreeMap.class).orElseThrow());
    assertSame(dictionary, registry.encoderFor(TreeMap.class).orElseThrow(), "asked twice, same answer");
    assertEquals(Map.class, dictionary.javaType());
    assertFalse(registry.encoderFor(Thread.class).isPresent());
    assertFalse(registry.encoderFor(Thread.class).isPresent(), "no codec is remembered as none");

    SortedDictionaryCodec sorted = new SortedDictionaryCodec();
    registry.register(sorted);
    assertSame(sorted, registry.encoderFor(TreeMap.class).orElseThrow());
    assertSame(dictionary, registry.encoderFor(LinkedHashMap.class).orElseThrow());
    assertEquals(Instant.class, registry.encoderFor(Instant.class).orElseThrow().javaType());
  }

  @Test
  void aCopyDoesNotSeeCodecsRegisteredOnTheOriginalLater() {
    ArchiveClassRegistry original = ArchiveClassRegistry.builtIns();
    ArchiveClassRegistry copy = original.copy();
    ArchiveClassCodec<?> dictionary = copy.encoderFor(TreeMap.class).orElseThrow();
    original.register(new SortedDictionaryCodec());
    assertSame(dictionary, copy.encoderFor(TreeMap.class).orElseThrow());
    assertFalse(dictionary == original.encoderFor(TreeMap.class).orElseThrow());
  }
}
