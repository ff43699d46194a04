package dtxkit.runtime.archive;

import dtxkit.runtime.DtxProtocolException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Built-in codecs for NSURL, NSValue and the DTX and XCTest classes. */
final class MoreCodecs {
  private MoreCodecs() {}

  static List<ArchiveClassCodec<?>> all() {
    return List.of(
        new UrlCodec(),
        new ValueCodec(),
        new TapMessageCodec(),
        new ClusterInfoCodec(),
        new CapabilitiesCodec(),
        new TestIdentifierCodec(),
        new TestIdentifierSetCodec(),
        new ArchiveFieldsCodec<>(
            XCTestConfiguration.class, List.of("XCTestConfiguration"), XCTestConfiguration::new),
        new ArchiveFieldsCodec<>(XCActivityRecord.class, List.of("XCActivityRecord"), XCActivityRecord::new),
        new ArchiveFieldsCodec<>(XCTAttachment.class, List.of("XCTAttachment"), XCTAttachment::new),
        new ArchiveFieldsCodec<>(XCTIssue.class, List.of("XCTIssue", "XCTMutableIssue"), XCTIssue::new),
        new ArchiveFieldsCodec<>(
            XCTSourceCodeContext.class, List.of("XCTSourceCodeContext"), XCTSourceCodeContext::new),
        new ArchiveFieldsCodec<>(
            XCTSourceCodeLocation.class, List.of("XCTSourceCodeLocation"), XCTSourceCodeLocation::new));
  }

  /** NSURL ({@code NS.base}, {@code NS.relative}) ↔ {@link NSURL}. */
  static final class UrlCodec extends BuiltInCodecs.Base<NSURL> {
    UrlCodec() {
      super(NSURL.class, List.of("NSURL"), NSURL.CLASS_CHAIN);
    }

    @Override
    public void encode(NSURL value, ArchiveWriter out) {
      out.encodeObject("NS.base", value.base());
      out.encodeObject("NS.relative", value.relative());
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      return new NSURL(in.decode("NS.base", NSURL.class), in.require("NS.relative", String.class));
    }
  }

  /**
   * NSValue with a point, size or rect ({@code NS.special} 1, 2, 3 and the string under {@code NS.pointval},
   * {@code NS.sizeval}, {@code NS.rectval}) ↔ {@link NSValue}; other NSValues decode generically.
   */
  static final class ValueCodec extends BuiltInCodecs.Base<NSValue> {
    ValueCodec() {
      super(NSValue.class, List.of("NSValue"), NSValue.CLASS_CHAIN);
    }

    @Override
    public void encode(NSValue value, ArchiveWriter out) {
      out.encodeObject(value.kind().key(), value.encoded());
      out.encodeInline("NS.special", value.kind().special());
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      Number special = in.decode("NS.special", Number.class);
      NSValue.Kind kind = special == null ? null : NSValue.Kind.ofSpecial(special.longValue());
      if (kind == null) {
        return new BuiltInCodecs.GenericCodec().decode(in);
      }
      return new NSValue(kind, in.require(kind.key(), String.class));
    }
  }

  /** The DTTapMessage family ({@code DTTapMessagePlist}) ↔ {@link DTTapMessage}. */
  static final class TapMessageCodec implements ArchiveClassCodec<DTTapMessage> {
    @Override
    public Class<DTTapMessage> javaType() {
      return DTTapMessage.class;
    }

    @Override
    public List<String> classNames() {
      return DTTapMessage.CLASS_NAMES;
    }

    @Override
    public List<String> classChain(DTTapMessage value) {
      return value.classChain();
    }

    @Override
    public void encode(DTTapMessage value, ArchiveWriter out) {
      out.encodeObject("DTTapMessagePlist", value.plist());
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      if (!in.contains("DTTapMessagePlist")) {
        throw ArchiveFormatException.missing(in.location() + ".DTTapMessagePlist", "the message plist");
      }
      return new DTTapMessage(in.classChain(), in.decode("DTTapMessagePlist"));
    }
  }

  /** DTCPUClusterInfo (inline {@code _clusterID}, {@code _clusterFlags}) ↔ {@link DTCPUClusterInfo}. */
  static final class ClusterInfoCodec extends BuiltInCodecs.Base<DTCPUClusterInfo> {
    ClusterInfoCodec() {
      super(DTCPUClusterInfo.class, List.of("DTCPUClusterInfo"), DTCPUClusterInfo.CLASS_CHAIN);
    }

    @Override
    public void encode(DTCPUClusterInfo value, ArchiveWriter out) {
      out.encodeInline("_clusterID", value.clusterId());
      out.encodeInline("_clusterFlags", value.clusterFlags());
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      return new DTCPUClusterInfo(
          in.require("_clusterID", Number.class).longValue(), in.require("_clusterFlags", Number.class).longValue());
    }
  }

  /** XCTCapabilities ({@code capabilities-dictionary}) ↔ {@link XCTCapabilities}. */
  static final class CapabilitiesCodec extends BuiltInCodecs.Base<XCTCapabilities> {
    CapabilitiesCodec() {
      super(XCTCapabilities.class, List.of("XCTCapabilities"), XCTCapabilities.CLASS_CHAIN);
    }

    @Override
    public void encode(XCTCapabilities value, ArchiveWriter out) {
      out.encodeObject("capabilities-dictionary", value.capabilities());
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      Map<?, ?> caps = in.require("capabilities-dictionary", Map.class);
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : caps.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw in.error("capabilities-dictionary", "key " + e.getKey() + " is not a string");
        }
        out.put(key, e.getValue());
      }
      return new XCTCapabilities(out);
    }
  }

  /** XCTTestIdentifier ({@code c} components, inline {@code o} options) ↔ {@link XCTTestIdentifier}. */
  static final class TestIdentifierCodec extends BuiltInCodecs.Base<XCTTestIdentifier> {
    TestIdentifierCodec() {
      super(XCTTestIdentifier.class, List.of("XCTTestIdentifier"), XCTTestIdentifier.CLASS_CHAIN);
    }

    @Override
    public void encode(XCTTestIdentifier value, ArchiveWriter out) {
      out.encodeObject("c", value.components());
      out.encodeInline("o", value.options());
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      List<?> c = in.require("c", List.class);
      List<String> components = new ArrayList<>();
      for (Object o : c) {
        if (!(o instanceof String s)) {
          throw in.error("c", "component " + o + " is not a string");
        }
        components.add(s);
      }
      return new XCTTestIdentifier(components, in.require("o", Number.class).longValue());
    }
  }

  /** XCTTestIdentifierSet ({@code identifiers}, an NSMutableArray) ↔ {@link XCTTestIdentifierSet}. */
  static final class TestIdentifierSetCodec extends BuiltInCodecs.Base<XCTTestIdentifierSet> {
    TestIdentifierSetCodec() {
      super(XCTTestIdentifierSet.class, List.of("XCTTestIdentifierSet"), XCTTestIdentifierSet.CLASS_CHAIN);
    }

    @Override
    public void encode(XCTTestIdentifierSet value, ArchiveWriter out) {
      out.encodeObject("identifiers", ArchivedAs.mutableArray(value.identifiers()));
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      List<XCTTestIdentifier> ids = new ArrayList<>();
      for (Object o : in.require("identifiers", List.class)) {
        if (!(o instanceof XCTTestIdentifier id)) {
          throw in.error("identifiers", "element " + o + " is not an XCTTestIdentifier");
        }
        ids.add(id);
      }
      return new XCTTestIdentifierSet(ids);
    }
  }
}
