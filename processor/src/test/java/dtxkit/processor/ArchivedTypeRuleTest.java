package dtxkit.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dtxkit.processor.Compilations.compile;
import static dtxkit.processor.Compilations.lineOf;
import static dtxkit.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import org.junit.jupiter.api.Test;

/**
 * Which classes DTX carries as archived objects: those implementing {@code dtxkit.runtime.archive.ArchivedObject}
 * (whose codec is in the runtime's {@code ArchiveClassRegistry}), wherever they are declared; not every type of the
 * archive package.
 */
class ArchivedTypeRuleTest {

  @Test
  void archiveToolThatIsNoArchivedObjectIsRejected() {
    Compilation compilation = compile("bad/ArchiverParameter.java");
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[DtxUnsupportedParameterType] parameter archiver of send() has type"
            + " dtxkit.runtime.archive.NSKeyedArchiver, which does not implement"
            + " dtxkit.runtime.archive.ArchivedObject, so DTX cannot carry it; supported:")
        .inFile(source("bad/ArchiverParameter.java"))
        .onLine(lineOf("bad/ArchiverParameter.java", "<- DtxUnsupportedParameterType"));
  }

  @Test
  void usersOwnArchivedClassIsAccepted() {
    Compilation compilation = compile("good/archived/Badge.java", "good/archived/Badges.java");
    assertThat(compilation).succeededWithoutWarnings();
    // Carried as an archived object (cast from the decoded value), not as a record dictionary.
    assertThat(compilation).generatedSourceFile("archived/Badges_DtxClient").contentsAsUtf8String()
        .contains("DtxConversions.cast(reply, Badge.class)");
    assertThat(compilation).generatedSourceFile("archived/Badges_DtxClient").contentsAsUtf8String()
        .contains("DtxConversions.cast(reply, ArchivedObject.class)");
    assertThat(compilation).generatedSourceFile("archived/Badges_DtxClient").contentsAsUtf8String()
        .doesNotContain("toBadge");
  }
}
