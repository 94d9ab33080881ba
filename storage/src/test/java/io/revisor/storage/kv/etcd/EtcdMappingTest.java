package io.revisor.storage.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.common.exception.ClosedClientException;
import io.grpc.Status;
import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.Keys;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pure parts of the etcd backend: error classification, key ranges, backoff. Real etcd is in the ITs. */
class EtcdMappingTest {
  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of("compacted read", Status.OUT_OF_RANGE.withDescription(
            "etcdserver: mvcc: required revision has been compacted").asRuntimeException(), KvErrorCode.COMPACTED),
        Arguments.of("future read", Status.OUT_OF_RANGE.withDescription(
            "etcdserver: mvcc: required revision is a future revision").asRuntimeException(),
            KvErrorCode.FUTURE_REVISION),
        Arguments.of("etcd request limit", Status.INVALID_ARGUMENT.withDescription(
            "etcdserver: request is too large").asRuntimeException(), KvErrorCode.VALUE_TOO_LARGE),
        Arguments.of("gRPC message limit", Status.RESOURCE_EXHAUSTED.withDescription(
            "gRPC message exceeds maximum size 1024: 4242").asRuntimeException(), KvErrorCode.VALUE_TOO_LARGE),
        Arguments.of("server receive limit", Status.RESOURCE_EXHAUSTED.withDescription(
            "grpc: received message larger than max (3145738 vs. 2097152)").asRuntimeException(),
            KvErrorCode.VALUE_TOO_LARGE),
        Arguments.of("overload", Status.RESOURCE_EXHAUSTED.withDescription(
            "etcdserver: too many requests").asRuntimeException(), KvErrorCode.UNAVAILABLE),
        Arguments.of("duplicate key", Status.INVALID_ARGUMENT.withDescription(
            "etcdserver: duplicate key given in txn request").asRuntimeException(), KvErrorCode.INVALID_ARGUMENT),
        Arguments.of("unavailable", Status.UNAVAILABLE.withDescription("io exception").asRuntimeException(),
            KvErrorCode.UNAVAILABLE),
        Arguments.of("grpc deadline", Status.DEADLINE_EXCEEDED.asRuntimeException(), KvErrorCode.TIMEOUT),
        Arguments.of("own deadline", new TimeoutException(), KvErrorCode.TIMEOUT),
        Arguments.of("closed client", new ClosedClientException("closed"), KvErrorCode.CLOSED),
        Arguments.of("data loss", Status.DATA_LOSS.asRuntimeException(), KvErrorCode.INTERNAL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void classifiesFailuresThroughFutureWrappers(String name, Throwable failure, KvErrorCode expected) {
    Throwable wrapped = new CompletionException(new ExecutionException(failure));
    assertThat(EtcdErrors.toKvException(wrapped, 7, false).code()).isEqualTo(expected);
  }

  @Test
  void everyFailureOfAClosedStoreIsClosed() {
    assertThat(EtcdErrors.toKvException(Status.CANCELLED.asRuntimeException(), 0, true).code())
        .isEqualTo(KvErrorCode.CLOSED);
  }

  @Test
  void watchStreamFailuresThatAreWorthReopening() {
    assertThat(EtcdErrors.isTransientWatchFailure(Status.UNAVAILABLE.asRuntimeException())).isTrue();
    assertThat(EtcdErrors.isTransientWatchFailure(Status.INTERNAL.asRuntimeException())).isTrue();
    assertThat(EtcdErrors.isTransientWatchFailure(Status.INVALID_ARGUMENT.asRuntimeException())).isFalse();
    assertThat(EtcdErrors.isTransientWatchFailure(new ClosedClientException("closed"))).isFalse();
  }

  @Test
  void prefixRangesEndAtThePrefixEndOrTheExplicitEndWhicheverIsFirst() {
    assertRange(KeyRange.prefix("/a/"), "/a/", "/a0");
    assertRange(KeyRange.prefix("/a/").from("/a/m"), "/a/m", "/a0");
    assertRange(KeyRange.prefix("/a/").until("/a/c"), "/a/", "/a/c");
    assertRange(KeyRange.prefix("/a/").until("/b"), "/a/", "/a0");
    assertRange(KeyRange.between("/a", "/c"), "/a", "/c");
  }

  @Test
  void emptyPrefixIsEverythingAndSingleKeysHaveNoEnd() {
    EtcdKeys.EtcdRange all = EtcdKeys.toEtcd(KeyRange.prefix(""));
    assertThat(all.key()).containsExactly(0);
    assertThat(all.end()).containsExactly(0);
    assertThat(EtcdKeys.toEtcd(KeyRange.single("/k")).end()).isNull();
    EtcdKeys.EtcdRange allAfter = EtcdKeys.toEtcd(KeyRange.prefix("").from("/x"));
    assertThat(allAfter.key()).isEqualTo(Keys.bytes("/x"));
    assertThat(allAfter.end()).containsExactly(0);
  }

  @Test
  void invertedOrEmptyBoundsGiveARangeEtcdAnswersWithNothing() {
    for (KeyRange r : new KeyRange[] {KeyRange.between("/c", "/a"), KeyRange.between("", ""),
        KeyRange.between("/a", "/a")}) {
      EtcdKeys.EtcdRange e = EtcdKeys.toEtcd(r);
      assertThat(e.end()).isNotNull().isEqualTo(e.key()).isNotEqualTo(new byte[] {0});
    }
  }

  @Test
  void prefixEndsComparesUnsignedBytes() {
    // U+00E9 is 0xC3 0xA9 in UTF-8: a signed comparison would put it before "/a0".
    assertRange(KeyRange.prefix("/\u00e9/").until("/\u00e9/z"), "/\u00e9/", "/\u00e9/z");
    assertRange(KeyRange.prefix("/a/").until("/\u00e9"), "/a/", "/a0");
  }

  @Test
  void backoffDoublesUpToItsCap() {
    EtcdKvStoreOptions.Retry retry = new EtcdKvStoreOptions.Retry(10, Duration.ofMillis(50), Duration.ofMillis(300));
    assertThat(retry.backoffCap(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(retry.backoffCap(2)).isEqualTo(Duration.ofMillis(100));
    assertThat(retry.backoffCap(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(retry.backoffCap(4)).isEqualTo(Duration.ofMillis(300));
    assertThat(retry.backoffCap(1000)).isEqualTo(Duration.ofMillis(300));
  }

  private static void assertRange(KeyRange range, String key, String end) {
    EtcdKeys.EtcdRange e = EtcdKeys.toEtcd(range);
    assertThat(e.key()).isEqualTo(Keys.bytes(key));
    assertThat(e.end()).isEqualTo(Keys.bytes(end));
  }
}
