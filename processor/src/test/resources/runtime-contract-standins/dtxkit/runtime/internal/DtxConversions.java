// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime.internal;

import java.net.URI;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

public final class DtxConversions {
    private DtxConversions() {
    }

    public static boolean toBoolean(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Boolean toBooleanOrNull(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static byte toByte(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Byte toByteOrNull(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static short toShort(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Short toShortOrNull(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static int toInt(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Integer toIntegerOrNull(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static long toLong(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Long toLongOrNull(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static float toFloat(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Float toFloatOrNull(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static double toDouble(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Double toDoubleOrNull(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static String toStr(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static byte[] toBytes(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Instant toInstant(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static UUID toUuid(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static URI toUri(Object value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static <T> T cast(Object value, Class<T> type) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static <E> List<E> toList(Object value, Function<Object, ? extends E> element) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static <E> Set<E> toSet(Object value, Function<Object, ? extends E> element) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static <K, V> Map<K, V> toMap(Object value, Function<Object, ? extends K> key, Function<Object, ? extends V> val) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Map<String, Object> dictionary(Object value, String typeName) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Object required(Map<String, Object> map, String key, String typeName) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static Object fromUri(URI value) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static <E> List<Object> fromList(Collection<E> value, Function<? super E, ?> element) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static <E> Set<Object> fromSet(Collection<E> value, Function<? super E, ?> element) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static <K, V> Map<Object, Object> fromMap(Map<K, V> value, Function<? super K, ?> key, Function<? super V, ?> val) {
        throw new UnsupportedOperationException("stand-in");
    }
}
