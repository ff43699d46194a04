package dtxkit.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Sends this parameter as a raw IEEE-754 double (aux tag 9) instead of an NSKeyedArchived object.
 *
 * <pre>{@code
 * import dtxkit.annotations.Double;   // shadows java.lang.Double in this file: write java.lang.Double for the box
 *
 * @DtxMethod("setRate:")
 * void setRate(@Double double hertz);
 * }</pre>
 *
 * <p>Allowed on parameters of type {@code double}, {@code Double}, {@code float} or {@code Float}; any other type
 * is a compile-time error ({@code [DtxEncodingMismatch]}), and so is a second encoding annotation on the same
 * parameter. Without an encoding annotation a parameter is archived, which is what most selectors expect (an {@code
 * int pid} then travels as an archived NSNumber). A receiver accepts either form for a numeric parameter.
 *
 * <p>The name shadows {@code java.lang.Double}: import it by its single name (not through {@code *}, which is
 * ambiguous with {@code java.lang}) or write {@code @dtxkit.annotations.Double}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Double {
}
