package io.revisor.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.revisor.apiserver.testing.RevisorServer;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.etcd.EtcdKvStore;
import io.revisor.storage.kv.etcd.EtcdKvStoreOptions;
import io.revisor.storage.testing.EtcdCluster;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The README's history walk-through with kubectl against the server on a real etcd process, compacted to its
 * current revision once the first changes are made: the history, the past, the trash and the restores that follow
 * come from what Revisor keeps, not from etcd's old revisions. Each test's server has its own key prefix.
 */
class HistoryKubectlEtcdIT extends AbstractHistoryKubectlTest {
  private EtcdCluster etcd;

  @BeforeAll
  void startEtcd() {
    etcd = EtcdCluster.start(1);
  }

  @AfterAll
  void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  protected RevisorServer startServer(String... flags) {
    return RevisorServer.etcd(etcd.clientEndpoints(), flags);
  }

  @Override
  protected void afterChanges(long v2) {
    try (KvStore kv = EtcdKvStore.connect(EtcdKvStoreOptions.of(etcd.clientEndpoints()))) {
      long current = await(kv.currentRevision());
      assertThat(await(kv.compact(current))).isEqualTo(current);
      Throwable gone = catchThrowable(() -> await(kv.range(RangeRequest.prefix("/").atRevision(v2))));
      KvException compacted = KvException.unwrap(gone);
      assertThat(compacted).as("etcd no longer has revision %d: %s", v2, gone).isNotNull();
      assertThat(compacted.code()).isEqualTo(KvErrorCode.COMPACTED);
    }
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
