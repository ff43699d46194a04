package dtxkit.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Maps a record component to an NSDictionary key other than the component's name.
 *
 * <pre>{@code
 * public record SystemLoad(@Key("CPU_TotalLoad") double total,
 *                          @Key("CPU_UserLoad") double user,
 *                          int cpuCount) {}          // read from the key "cpuCount"
 *
 * @DtxMethod("systemLoad")
 * SystemLoad systemLoad();
 * }</pre>
 *
 * <p>A record used as a parameter or return type travels as an NSDictionary: each component is read from (and
 * written to) the key named here, or its own name without this annotation. A missing key gives {@code null} for a
 * reference component and an error for a primitive one; keys the record does not declare are ignored. Keys must
 * be non-empty and unique within a record ({@code [DtxRecordKey]}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.RECORD_COMPONENT)
public @interface Key {

  /**
   * The dictionary key, e.g. {@code "CPU_TotalLoad"}.
   *
   * @return the key the component is read from and written to
   */
  String value();
}
