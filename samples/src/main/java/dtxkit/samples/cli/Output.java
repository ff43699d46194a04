package dtxkit.samples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a command prints (a picocli mixin): {@code --json} for one JSON value per line (JSON lines for streams,
 * written with {@link JsonValues}), else human-readable tables.
 */
final class Output {
  private static final JsonFactory JSON = new JsonFactory();

  @Option(names = "--json", description = "Print JSON (one object per line for lists and streams) instead of tables.")
  boolean json;

  /** One value (maps, lists, strings, numbers...) as one line of JSON. */
  static String jsonLine(Object value) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      JsonValues.write(g, value);
    } catch (IOException e) {
      // A StringWriter does not fail.
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** Prints {@code value} as one JSON line and flushes, so a reader of a stream sees it at once. */
  static void printJson(PrintWriter out, Object value) {
    out.println(jsonLine(value));
    out.flush();
  }

  /** An ordered map from alternating keys and values, for JSON objects. */
  static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** A text table: columns padded to their widest cell, numbers right-aligned. */
  static final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final boolean[] numeric;
    private final boolean[] text;

    Table(String... headers) {
      this.headers = List.of(headers);
      this.numeric = new boolean[headers.length];
      this.text = new boolean[headers.length];
    }

    /** Adds a row; {@code null} cells print as "-". A column of numbers (and nulls) is right-aligned. */
    Table row(Object... cells) {
      if (cells.length != headers.size()) {
        throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
      }
      List<String> row = new ArrayList<>(cells.length);
      for (int i = 0; i < cells.length; i++) {
        Object c = cells[i];
        if (c instanceof Number) {
          numeric[i] = true;
        } else if (c != null) {
          text[i] = true;
        }
        row.add(c == null ? "-" : c.toString());
      }
      rows.add(row);
      return this;
    }

    int size() {
      return rows.size();
    }

    /** Prints the header line and the rows, then flushes. */
    void print(PrintWriter out) {
      int[] width = new int[headers.size()];
      for (int i = 0; i < width.length; i++) {
        width[i] = headers.get(i).length();
        for (List<String> row : rows) {
          width[i] = Math.max(width[i], row.get(i).length());
        }
      }
      out.println(line(headers, width));
      for (List<String> row : rows) {
        out.println(line(row, width));
      }
      out.flush();
    }

    private String line(List<String> cells, int[] width) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cells.size(); i++) {
        boolean last = i == cells.size() - 1;
        String cell = cells.get(i);
        String pad = " ".repeat(width[i] - cell.length());
        if (numeric[i] && !text[i]) {
          b.append(pad).append(cell);
        } else {
          b.append(cell);
          if (!last) {
            b.append(pad);
          }
        }
        if (!last) {
          b.append("  ");
        }
      }
      return b.toString();
    }
  }
}
