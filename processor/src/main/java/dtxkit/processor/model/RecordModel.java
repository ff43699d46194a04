package dtxkit.processor.model;

import java.util.List;

/**
 * A record carried as an NSDictionary: each component is read from and written to one key.
 *
 * @param type       the record class
 * @param components the components in declaration (canonical constructor) order
 */
public record RecordModel(ClassRef type, List<Component> components) {

  public RecordModel {
    components = List.copyOf(components);
  }

  /**
   * One record component.
   *
   * @param name the component (and accessor) name
   * @param key  the dictionary key: the {@code @Key} value, else the name
   * @param type the component type
   */
  public record Component(String name, String key, TypeRef type) {
  }
}
