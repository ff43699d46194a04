package dtxkit.runtime.archive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The classes an archiver and unarchiver know: codecs by {@code $classname} (for decoding) and by Java type (for
 * encoding). There is no global state: {@link #builtIns()} returns a fresh registry each time; applications copy it
 * and {@link #register(ArchiveClassCodec)} their own codecs, which replace built-ins with the same class names.
 *
 * <pre>{@code
 * ArchiveClassRegistry registry = ArchiveClassRegistry.builtIns().register(new BadgeCodec());
 * NSKeyedUnarchiver unarchiver = NSKeyedUnarchiver.builder().registry(registry).build();
 * }</pre>
 *
 * <p>Not thread-safe while being modified; archivers and unarchivers take a {@link #copy()} when built, so a registry
 * can be changed afterwards without affecting them.
 */
public final class ArchiveClassRegistry {
  private final Map<String, ArchiveClassCodec<?>> byClassName;
  private final List<ArchiveClassCodec<?>> codecs;
  /**
   * {@link #encoderFor} by class: the search tries every codec with {@code isAssignableFrom}, and the archiver asks
   * for every object it writes (20 dictionaries and their dates per {@code runningProcesses} reply). Cleared by
   * {@link #register}; bounded, as classes are.
   */
  private final java.util.concurrent.ConcurrentHashMap<Class<?>, Optional<ArchiveClassCodec<?>>> encoders =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_CACHED_ENCODERS = 1024;

  private ArchiveClassRegistry(Map<String, ArchiveClassCodec<?>> byClassName, List<ArchiveClassCodec<?>> codecs) {
    this.byClassName = byClassName;
    this.codecs = codecs;
  }

  /** A registry with no classes: archives of anything but plist primitives decode to generic objects. */
  public static ArchiveClassRegistry empty() {
    return new ArchiveClassRegistry(new LinkedHashMap<>(), new ArrayList<>());
  }

  /**
   * A new registry with every built-in class: NSArray/NSMutableArray, NSDictionary/NSMutableDictionary,
   * NSSet/NSMutableSet, NSMutableString, NSMutableData, NSDate, NSNull, NSError, NSUUID, NSURL, NSValue, the
   * DTTapMessage family, DTCPUClusterInfo, XCTCapabilities, XCTestConfiguration, XCTTestIdentifier,
   * XCTTestIdentifierSet, XCActivityRecord, XCTAttachment, XCTIssue, XCTSourceCodeContext, XCTSourceCodeLocation.
   */
  public static ArchiveClassRegistry builtIns() {
    ArchiveClassRegistry r = empty();
    BuiltInCodecs.all().forEach(r::register);
    return r;
  }

  /** An independent copy of this registry. */
  public ArchiveClassRegistry copy() {
    return new ArchiveClassRegistry(new LinkedHashMap<>(byClassName), new ArrayList<>(codecs));
  }

  /**
   * Adds {@code codec}: it decodes its {@link ArchiveClassCodec#classNames()} (replacing earlier codecs for those
   * names) and encodes values of its Java type (ahead of earlier codecs for the same or a wider type).
   *
   * @return this registry
   */
  public ArchiveClassRegistry register(ArchiveClassCodec<?> codec) {
    if (codec.classNames().isEmpty()) {
      throw new IllegalArgumentException("codec decodes no class: " + codec);
    }
    for (String name : codec.classNames()) {
      byClassName.put(name, codec);
    }
    codecs.remove(codec);
    codecs.add(codec);
    encoders.clear();
    return this;
  }

  /** The codec decoding {@code className}, if any. */
  public Optional<ArchiveClassCodec<?>> decoderFor(String className) {
    return Optional.ofNullable(byClassName.get(className));
  }

  /**
   * The codec encoding {@code type}: the most recently registered codec whose Java type is {@code type}, else the
   * most recently registered one whose Java type is a supertype of it.
   */
  public Optional<ArchiveClassCodec<?>> encoderFor(Class<?> type) {
    Optional<ArchiveClassCodec<?>> cached = encoders.get(type);
    if (cached != null) {
      return cached;
    }
    Optional<ArchiveClassCodec<?>> found = findEncoder(type);
    if (encoders.size() < MAX_CACHED_ENCODERS) {
      encoders.put(type, found);
    }
    return found;
  }

  private Optional<ArchiveClassCodec<?>> findEncoder(Class<?> type) {
    for (int i = codecs.size() - 1; i >= 0; i--) {
      if (codecs.get(i).javaType() == type) {
        return Optional.of(codecs.get(i));
      }
    }
    for (int i = codecs.size() - 1; i >= 0; i--) {
      if (codecs.get(i).javaType().isAssignableFrom(type)) {
        return Optional.of(codecs.get(i));
      }
    }
    return Optional.empty();
  }

  /** Every registered codec, in registration order. */
  public List<ArchiveClassCodec<?>> codecs() {
    return Collections.unmodifiableList(codecs);
  }
}
