package dtxkit.samples.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dtxkit.runtime.archive.ArchivedObject;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes decoded DTX values (aux primitives, archive objects) as JSON, the stable shape `dtxkit decode` and the
 * {@code --json} output of every command use.
 *
 * <p>Plain values stay plain: strings, numbers, booleans, null, arrays, and dictionaries whose keys are all
 * strings. Everything else is an object whose {@code "$class"} names what it was on the wire:
 * <ul>
 *   <li>bytes: {@code {"$class": "NSData", "length": 3, "base64": "AQID"}}</li>
 *   <li>dates: {@code {"$class": "NSDate", "value": "2026-01-01T00:00:00Z"}}</li>
 *   <li>UUIDs: {@code {"$class": "NSUUID", "value": "..."}}</li>
 *   <li>sets: {@code {"$class": "NSSet", "values": [...]}}</li>
 *   <li>dictionaries with a non-string key: {@code {"$class": "NSDictionary", "entries": [[key, value], ...]}}</li>
 *   <li>archived objects of other classes: {@code {"$class": "NSError", "$classes": [...], "NSCode": 1, ...}}
 *       with their fields in archive order ({@code "$classes"} only when the chain is longer than the class and
 *       NSObject)</li>
 * </ul>
 */
final class JsonValues {
  private JsonValues() {}

  /** Writes one value; recursion depth is bounded by the archive decoder's own depth limit. */
  static void write(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof String s) {
      json.writeString(s);
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double d) {
      writeDouble(json, d);
    } else if (value instanceof Float f) {
      writeDouble(json, f.doubleValue());
    } else if (value instanceof Number n) {
      json.writeNumber(n.toString());
    } else if (value instanceof byte[] bytes) {
      json.writeStartObject();
      json.writeStringField("$class", "NSData");
      json.writeNumberField("length", bytes.length);
      json.writeStringField("base64", Base64.getEncoder().encodeToString(bytes));
      json.writeEndObject();
    } else if (value instanceof Instant instant) {
      tagged(json, "NSDate", instant.toString());
    } else if (value instanceof UUID uuid) {
      tagged(json, "NSUUID", uuid.toString().toUpperCase(java.util.Locale.ROOT));
    } else if (value instanceof Set<?> set) {
      json.writeStartObject();
      json.writeStringField("$class", "NSSet");
      json.writeFieldName("values");
      writeArray(json, set);
      json.writeEndObject();
    } else if (value instanceof List<?> list) {
      writeArray(json, list);
    } else if (value instanceof Map<?, ?> map) {
      writeMap(json, map);
    } else if (value instanceof ArchivedObject object) {
      writeArchived(json, object);
    } else {
      // A type the archive layer does not produce; say what it is rather than drop it.
      tagged(json, value.getClass().getName(), value.toString());
    }
  }

  private static void writeDouble(JsonGenerator json, double d) throws IOException {
    if (Double.isFinite(d)) {
      json.writeNumber(d);
    } else {
      tagged(json, "double", Double.toString(d));
    }
  }

  private static void tagged(JsonGenerator json, String className, String value) throws IOException {
    json.writeStartObject();
    json.writeStringField("$class", className);
    json.writeStringField("value", value);
    json.writeEndObject();
  }

  private static void writeArray(JsonGenerator json, Collection<?> values) throws IOException {
    json.writeStartArray();
    for (Object v : values) {
      write(json, v);
    }
    json.writeEndArray();
  }

  private static void writeMap(JsonGenerator json, Map<?, ?> map) throws IOException {
    boolean stringKeys = map.keySet().stream().allMatch(k -> k instanceof String);
    if (stringKeys) {
      json.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        json.writeFieldName((String) e.getKey());
        write(json, e.getValue());
      }
      json.writeEndObject();
      return;
    }
    json.writeStartObject();
    json.writeStringField("$class", "NSDictionary");
    json.writeFieldName("entries");
    json.writeStartArray();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      json.writeStartArray();
      write(json, e.getKey());
      write(json, e.getValue());
      json.writeEndArray();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void writeArchived(JsonGenerator json, ArchivedObject object) throws IOException {
    json.writeStartObject();
    json.writeStringField("$class", object.className());
    List<String> chain = object.classChain();
    boolean plainChain = chain.size() == 1 || (chain.size() == 2 && "NSObject".equals(chain.get(1)));
    if (!plainChain) {
      json.writeFieldName("$classes");
      writeArray(json, chain);
    }
    for (Map.Entry<String, Object> field : object.fields().entrySet()) {
      json.writeFieldName(field.getKey());
      write(json, field.getValue());
    }
    json.writeEndObject();
  }
}
