package io.revisor.apiserver.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"home", "a.b", "a.1", "1", "a-b.c-d.9", "x.12345678901234567890"})
  void revisionNamesRoundTripForEveryLegalObjectName(String name) {
    for (String resource : new String[] {"dashboards.demo.revisor.io", "a.b.c.io", "b.c.io"}) {
      String text = Names.revision(name, 42, resource);
      assertThat(Names.parseRevision(text)).isEqualTo(new Names.RevisionName(name, 42, resource));
      String deleted = Names.deleted(name, resource);
      assertThat(Names.parseDeleted(deleted)).isEqualTo(new Names.DeletedName(name, resource));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"home", "home@", "@x.io", "home.@x.io", "home.01@x.io", "home.x@x.io", ".5@x.io",
      "a@b@c", "h.99999999999999999999@x.io"})
  void malformedRevisionNamesAreNotRevisions(String text) {
    assertThat(Names.parseRevision(text)).isNull();
  }
}
