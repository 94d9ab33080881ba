package io.revisor.apiserver.health;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /healthz}, {@code /livez} and {@code /readyz} in kube-apiserver's format: {@code ok} (200) or a listing of
 * failed checks (500) with {@code [-]<name> failed: reason withheld}; {@code ?verbose} lists every check; {@code
 * ?exclude=<name>} (repeatable) skips checks; {@code /<endpoint>/<name>} runs one check.
 */
public final class HealthEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoints.class);

  private HealthEndpoints() {}

  /** Mounts an endpoint at {@code /<endpoint>} with its checks. */
  public static void mount(Router router, String endpoint, List<HealthCheck> checks) {
    router.get("/" + endpoint).handler(ctx -> all(ctx, endpoint, checks));
    for (HealthCheck check : checks) {
      router.get("/" + endpoint + "/" + check.name()).handler(ctx -> one(ctx, endpoint, check));
    }
  }

  private static void all(RoutingContext ctx, String endpoint, List<HealthCheck> checks) {
    Set<String> excluded = new HashSet<>();
    ctx.queryParams().getAll("exclude").forEach(v -> excluded.addAll(List.of(v.split(","))));
    boolean verbose = ctx.queryParams().contains("verbose");
    List<HealthCheck> selected = checks.stream().filter(c -> !excluded.contains(c.name())).toList();
    List<Future<Void>> results = new ArrayList<>();
    for (HealthCheck check : selected) {
      results.add(run(check));
    }
    Future.join(results).onComplete(ignored -> {
      StringBuilder body = new StringBuilder();
      boolean healthy = true;
      for (int i = 0; i < selected.size(); i++) {
        boolean ok = results.get(i).succeeded();
        healthy &= ok;
        if (!ok) {
          LOG.warn("{} check {} failed: {}", endpoint, selected.get(i).name(), results.get(i).cause().toString());
        }
        body.append(ok ? "[+]" : "[-]").append(selected.get(i).name())
            .append(ok ? " ok\n" : " failed: reason withheld\n");
      }
      for (String name : excluded) {
        if (checks.stream().anyMatch(c -> c.name().equals(name))) {
          body.append("[+]").append(name).append(" excluded: ok\n");
        } else {
          body.append("warn: some health checks cannot be excluded: no matches for \"").append(name).append("\"\n");
        }
      }
      String text = healthy && !verbose
          ? "ok"
          : body + endpoint + " check " + (healthy ? "passed" : "failed") + "\n";
      ctx.response().setStatusCode(healthy ? 200 : 500)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("X-Content-Type-Options", "nosniff")
          .end(text);
    });
  }

  private static void one(RoutingContext ctx, String endpoint, HealthCheck check) {
    run(check).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("{} check {} failed: {}", endpoint, check.name(), result.cause().toString());
      }
      ctx.response().setStatusCode(result.succeeded() ? 200 : 500)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(result.succeeded() ? "ok" : "internal server error: " + check.name() + " check failed\n");
    });
  }

  private static Future<Void> run(HealthCheck check) {
    try {
      return check.probe().get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
