package dtxkit.runtime.archive;

import static dtxkit.runtime.archive.MalformedArchivesTest.archiveOf;
import static dtxkit.runtime.archive.MalformedArchivesTest.classDict;
import static dtxkit.runtime.archive.MalformedArchivesTest.instance;
import static dtxkit.runtime.archive.MalformedArchivesTest.uids;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The in-place reader recognises an array or dictionary object by the shape of the one before it (the same key
 * objects and the same class object, as written): objects that share the key objects but not the class, or the class
 * but not the keys, are read for what they are. dd-plist's writer shares equal strings, so every object below shares
 * the {@code $class} and {@code NS.objects} key objects.
 */
class CollectionShapeTest {

  @Test
  void objectsThatShareTheirKeysButNotTheirClassAreEachReadForWhatTheyAre() throws Exception {
    // 1: NSArray [2, 3, 4, 5]; 2: NSArray ["a"]; 3: NSSet {"a"}; 4: NSArray ["a"]; 5: NSDictionary {"a": "a"}
    NSObject[] objects = {
        instance(7, "NS.objects", uids(2, 3, 4, 5)),
        instance(7, "NS.objects", uids(6)),
        instance(8, "NS.objects", uids(6)),
        instance(7, "NS.objects", uids(6)),
        instance(9, "NS.keys", uids(6), "NS.objects", uids(6)),
        new NSString("a"),
        classDict("NSArray", "NSObject"),
        classDict("NSSet", "NSObject"),
        classDict("NSDictionary", "NSObject"),
    };
    byte[] archive = archiveOf(objects);
    NSKeyedUnarchiver reader = NSKeyedUnarchiver.builder().build();
    Object expected = List.of(List.of("a"), new LinkedHashSet<>(List.of("a")), List.of("a"), Map.of("a", "a"));
    assertEquals(expected, reader.decodeTop(archive).get("root"));
    assertEquals(expected, reader.decodeTree(archive).get("root"));
    Object set = ((List<?>) reader.decodeTop(archive).get("root")).get(1);
    assertEquals(true, set instanceof Set, "the set after an array of the same keys is a set: " + set.getClass());
  }
}
