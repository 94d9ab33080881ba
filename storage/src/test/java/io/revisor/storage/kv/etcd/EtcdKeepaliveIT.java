package io.revisor.storage.kv.etcd;

import static io.revisor.storage.kv.etcd.StageSupport.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.revisor.storage.kv.KvStore;
import io.revisor.storage.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An idle connection to etcd stays open: the client does not ping etcd while no call is open, which etcd answers,
 * after two pings, with {@code GOAWAY ENHANCE_YOUR_CALM too_many_pings} (and gRPC then logs a warning and doubles its
 * keepalive time). With jetcd's default (pings while idle too) this test sees that GOAWAY after about 30 s.
 */
class EtcdKeepaliveIT {
  @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.singleMember();

  /** Held so that the handler stays attached (loggers are weakly referenced). */
  private static final Logger GRPC = Logger.getLogger("io.grpc");

  @Test
  void anIdleConnectionIsNotPingedIntoAGoAway() throws Exception {
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        warnings.add(record.getLevel() + " " + new SimpleFormatter().formatMessage(record));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    GRPC.addHandler(handler);
    // gRPC's shortest keepalive: three pings of an idle connection fit in the wait below.
    try (KvStore store = EtcdKvStore.connect(EtcdKvStoreOptions.builder().endpoints(ETCD.clientEndpoints())
        .keepaliveTime(Duration.ofSeconds(10)).build())) {
      join(store.put("/keepalive/a", "one".getBytes(UTF_8)));
      Thread.sleep(Duration.ofSeconds(36).toMillis());
      assertThat(new String(join(store.get("/keepalive/a")).value(), UTF_8)).isEqualTo("one");
    } finally {
      GRPC.removeHandler(handler);
    }
    assertThat(warnings).noneMatch(w -> w.contains("too_many_pings") || w.contains("GOAWAY"));
  }
}
