package dtxkit.samples.stubs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Java names from Objective-C selectors and service identifiers: {@code processIdentifierForBundleIdentifier:}
 * becomes {@code processIdentifier(bundleIdentifier)}, {@code sendSignal:toPid:} {@code sendSignal(signal, pid)},
 * {@code com.apple.instruments.server.services.deviceinfo} {@code Deviceinfo}.
 */
final class Names {

  /** Words that introduce a selector's argument: the method name stops before them, the parameter starts after. */
  private static final Set<String> PREPOSITIONS = Set.of(
      "with", "for", "to", "from", "at", "of", "in", "on", "by", "using", "as", "into", "and", "or");

  private static final Set<String> KEYWORDS = Set.of(
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
      "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
      "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
      "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
      "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "var", "record",
      "yield", "sealed", "permits", "_");

  /** Methods every interface inherits from Object: a generated method must not clash with them. */
  private static final Set<String> OBJECT_METHODS = Set.of(
      "equals", "hashCode", "toString", "getClass", "notify", "notifyAll", "wait", "clone", "finalize");

  private Names() {
  }

  /** The selector's parts without colons: {@code sendSignal:toPid:} gives {@code [sendSignal, toPid]}. */
  static List<String> parts(String selector) {
    List<String> parts = new ArrayList<>();
    for (String p : selector.split(":", -1)) {
      parts.add(p);
    }
    if (selector.endsWith(":")) {
      parts.remove(parts.size() - 1);
    }
    return parts;
  }

  /**
   * The method name: the first part without a leading {@code _PREFIX_} (as in {@code _IDE_initiateSession...}) and,
   * when it takes arguments, cut before its last preposition ({@code processIdentifierForBundleIdentifier} gives
   * {@code processIdentifier}).
   */
  static String method(String selector) {
    List<String> words = words(stripPrefix(parts(selector).isEmpty() ? selector : parts(selector).get(0)));
    if (words.isEmpty()) {
      return "call";
    }
    if (selector.endsWith(":")) {
      int cut = lastPreposition(words);
      if (cut > 0) {
        words = words.subList(0, cut);
      }
    }
    return identifier(lowerCamel(words));
  }

  /** The whole selector as one name, for selectors whose short names clash ({@code testSuiteDidStartAt}). */
  static String longMethod(String selector) {
    List<String> words = new ArrayList<>();
    List<String> parts = parts(selector);
    for (int i = 0; i < parts.size(); i++) {
      words.addAll(words(i == 0 ? stripPrefix(parts.get(i)) : parts.get(i)));
    }
    return words.isEmpty() ? "call" : identifier(lowerCamel(words));
  }

  /** The parameter names, one per colon, unique within the method. */
  static List<String> parameters(String selector) {
    List<String> parts = parts(selector);
    List<String> names = new ArrayList<>();
    long colons = selector.chars().filter(c -> c == ':').count();
    for (int i = 0; i < colons; i++) {
      List<String> words = words(i == 0 ? stripPrefix(parts.get(i)) : parts.get(i));
      String name;
      if (words.isEmpty()) {
        name = "arg" + i;
      } else if (i == 0) {
        int cut = lastPreposition(words);
        if (cut >= 0 && cut + 1 < words.size()) {
          words = words.subList(cut + 1, words.size());
        } else if (words.size() > 1 && words.get(words.size() - 1).toLowerCase(Locale.ROOT).endsWith("ed")) {
          words = words.subList(0, words.size() - 1);      // outputReceived: -> output
        } else if (words.size() > 1) {
          words = words.subList(1, words.size());          // sendSignal: -> signal
        }
        name = lowerCamel(words);
      } else {
        int cut = lastPreposition(words);
        if (cut > 0 && cut + 1 < words.size()) {
          words = words.subList(cut + 1, words.size());     // terminatedWithExitCode -> exitCode
        } else if (words.size() > 1 && PREPOSITIONS.contains(words.get(0).toLowerCase(Locale.ROOT))) {
          words = words.subList(1, words.size());          // toPid -> pid, orCrashingSignal -> crashingSignal
        }
        name = lowerCamel(words);
      }
      name = identifier(name);
      String unique = name;
      for (int n = 2; names.contains(unique); n++) {
        unique = name + n;
      }
      names.add(unique);
    }
    return names;
  }

  /** A type name from an identifier's last part, e.g. {@code deviceinfo} gives {@code Deviceinfo}. */
  static String type(String identifier, int parts) {
    String[] dotted = identifier.split("\\.");
    List<String> words = new ArrayList<>();
    for (int i = Math.max(0, dotted.length - parts); i < dotted.length; i++) {
      words.addAll(words(dotted[i]));
    }
    String name = upperCamel(words);
    if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
      name = "Service" + name;
    }
    return name;
  }

  /** A proxy protocol's type name: the protocol name itself when it is a Java identifier. */
  static String protocolType(String protocol) {
    return isIdentifier(protocol) && !KEYWORDS.contains(protocol)
        ? Character.toUpperCase(protocol.charAt(0)) + protocol.substring(1)
        : type(protocol, 1);
  }

  /** A record component name for a dictionary key ({@code CPU_TotalLoad} gives {@code cpuTotalLoad}). */
  static String component(String key) {
    return identifier(lowerCamel(words(key)));
  }

  /** Capitalizes a lowerCamel name. */
  static String capitalize(String name) {
    return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** True when {@code name} is one of Object's methods. */
  static boolean isObjectMethod(String name) {
    return OBJECT_METHODS.contains(name);
  }

  private static String stripPrefix(String part) {
    String s = part;
    // _IDE_initiate..., _XCT_didBegin...: a leading underscore, capitals, underscore.
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^_*[A-Z]{2,}_(?=[a-z])").matcher(s);
    if (m.find()) {
      s = s.substring(m.end());
    }
    return s;
  }

  private static int lastPreposition(List<String> words) {
    for (int i = words.size() - 1; i > 0; i--) {
      if (PREPOSITIONS.contains(words.get(i).toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    return -1;
  }

  /** Splits on non-alphanumerics and camel-case humps: {@code CPU_TotalLoad} gives {@code [CPU, Total, Load]}. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String chunk : text.split("[^A-Za-z0-9]+")) {
      if (chunk.isEmpty()) {
        continue;
      }
      StringBuilder word = new StringBuilder();
      for (int i = 0; i < chunk.length(); i++) {
        char c = chunk.charAt(i);
        boolean boundary = word.length() > 0 && Character.isUpperCase(c)
            && (Character.isLowerCase(chunk.charAt(i - 1)) || Character.isDigit(chunk.charAt(i - 1))
                || i + 1 < chunk.length() && Character.isLowerCase(chunk.charAt(i + 1))
                    && Character.isUpperCase(chunk.charAt(i - 1)));
        if (boundary) {
          words.add(word.toString());
          word.setLength(0);
        }
        word.append(c);
      }
      words.add(word.toString());
    }
    return words;
  }

  private static String lowerCamel(List<String> words) {
    StringBuilder s = new StringBuilder();
    for (String w : words) {
      if (s.length() == 0) {
        s.append(w.toLowerCase(Locale.ROOT));
      } else {
        s.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1).toLowerCase(Locale.ROOT));
      }
    }
    return s.toString();
  }

  private static String upperCamel(List<String> words) {
    StringBuilder s = new StringBuilder();
    for (String w : words) {
      s.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
    }
    return s.toString();
  }

  private static String identifier(String name) {
    if (name.isEmpty()) {
      return "value";
    }
    if (!Character.isJavaIdentifierStart(name.charAt(0))) {
      name = "_" + name;
    }
    return KEYWORDS.contains(name) ? name + "_" : name;
  }

  private static boolean isIdentifier(String s) {
    if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      if (!Character.isJavaIdentifierPart(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
