package io.revisor.storage.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an {@link EtcdCluster} before the tests of a class and stops it (deleting its data) after them.
 *
 * <pre>{@code
 * @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.singleMember();
 * ... KvStore store = EtcdKvStore.connect(EtcdKvStoreOptions.of(ETCD.clientEndpoints()));
 * }</pre>
 *
 * <p>Register it on a {@code static} field: one cluster serves every test of the class and of its {@code @Nested}
 * classes, so tests should use keys of their own. A missing etcd binary fails {@code beforeAll}, and with it every test of the class.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {
  private final int members;
  private volatile EtcdCluster cluster;
  /** The class context that started the cluster: JUnit calls beforeAll/afterAll again for each @Nested class. */
  private volatile String owner;

  private EtcdExtension(int members) {
    this.members = members;
  }

  /** One etcd member. */
  public static EtcdExtension singleMember() {
    return new EtcdExtension(1);
  }

  /** A static cluster of {@code members} members. */
  public static EtcdExtension cluster(int members) {
    if (members < 1) {
      throw new IllegalArgumentException("a cluster has at least one member");
    }
    return new EtcdExtension(members);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (cluster == null) {
      cluster = EtcdCluster.start(members);
      owner = context.getUniqueId();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!context.getUniqueId().equals(owner)) {
      return;
    }
    EtcdCluster c = cluster;
    cluster = null;
    owner = null;
    if (c != null) {
      c.close();
    }
  }

  /** The running cluster; only between {@code beforeAll} and {@code afterAll}. */
  public EtcdCluster cluster() {
    EtcdCluster c = cluster;
    if (c == null) {
      throw new IllegalStateException("the etcd cluster runs only while the test class runs");
    }
    return c;
  }

  /** Shorthand for {@code cluster().clientEndpoints()}. */
  public List<String> clientEndpoints() {
    return cluster().clientEndpoints();
  }
}
