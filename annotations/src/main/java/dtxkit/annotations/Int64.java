package dtxkit.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Sends this parameter as a raw 64-bit integer (aux tag 6) instead of an NSKeyedArchived object.
 *
 * <pre>{@code
 * @DtxMethod("setSampleInterval:")
 * void setSampleInterval(@Int64 long nanoseconds);
 * }</pre>
 *
 * <p>Allowed on parameters of type {@code long}, {@code Long}, {@code int} or {@code Integer}; any other type is a
 * compile-time error ({@code [DtxEncodingMismatch]}), and so is a second encoding annotation on the same parameter.
 * Without an encoding annotation a parameter is archived, which is what most selectors expect (an {@code int pid}
 * then travels as an archived NSNumber). A receiver accepts either form for a numeric parameter.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Int64 {
}
