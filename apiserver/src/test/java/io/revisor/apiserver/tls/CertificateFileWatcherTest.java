package io.revisor.apiserver.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Change detection of {@link CertificateFileWatcher}, one poll at a time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertificateFileWatcherTest {
  @TempDir Path dir;

  private final List<List<String>> reported = new CopyOnWriteArrayList<>();
  private Path a;
  private Path b;

  @BeforeEach
  void files() throws Exception {
    a = dir.resolve("a.pem");
    b = dir.resolve("b.pem");
    Files.writeString(a, "one");
    Files.writeString(b, "two");
  }

  private CertificateFileWatcher watcher(String baselineA, String baselineB) {
    return new CertificateFileWatcher(List.of(a, b), List.of(bytes(baselineA), bytes(baselineB)),
        contents -> reported.add(contents.stream().map(c -> new String(c, StandardCharsets.UTF_8)).toList()));
  }

  @Test
  void nothingIsReportedWhileTheFilesMatchTheBaseline() throws Exception {
    CertificateFileWatcher watcher = watcher("one", "two");

    watcher.poll();
    Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 5_000));
    watcher.poll();

    assertThat(reported).as("a touched file with the same content").isEmpty();
  }

  @Test
  void aChangeBeforeTheFirstPollIsReported() {
    CertificateFileWatcher watcher = watcher("one", "old");

    watcher.poll();

    assertThat(reported).containsExactly(List.of("one", "two"));
  }

  @Test
  void inPlaceRewriteIsReportedOnce() throws Exception {
    CertificateFileWatcher watcher = watcher("one", "two");
    watcher.poll();

    Files.writeString(b, "three");
    watcher.poll();
    watcher.poll();

    assertThat(reported).containsExactly(List.of("one", "three"));
  }

  @Test
  void renameOverTheFileIsReportedEvenWithTheSameSizeAndTime() throws Exception {
    CertificateFileWatcher watcher = watcher("one", "two");
    watcher.poll();
    FileTime time = Files.getLastModifiedTime(a);

    Path replacement = dir.resolve(".a.pem.tmp");
    Files.writeString(replacement, "ONE");
    Files.setLastModifiedTime(replacement, time);
    Files.move(replacement, a, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    watcher.poll();

    assertThat(reported).containsExactly(List.of("ONE", "two"));
  }

  @Test
  void kubernetesDataLinkSwapIsReported() throws Exception {
    Path volume = Files.createDirectory(dir.resolve("volume"));
    Path first = Files.createDirectory(volume.resolve("..2024_05_01_10_00_00.000000001"));
    Files.writeString(first.resolve("tls.crt"), "crt-1");
    Files.writeString(first.resolve("tls.key"), "key-1");
    Files.createSymbolicLink(volume.resolve("..data"), first.getFileName());
    Path crt = Files.createSymbolicLink(volume.resolve("tls.crt"), Path.of("..data/tls.crt"));
    Path key = Files.createSymbolicLink(volume.resolve("tls.key"), Path.of("..data/tls.key"));
    CertificateFileWatcher watcher = new CertificateFileWatcher(List.of(crt, key),
        List.of(bytes("crt-1"), bytes("key-1")),
        contents -> reported.add(contents.stream().map(c -> new String(c, StandardCharsets.UTF_8)).toList()));
    watcher.poll();

    Path second = Files.createDirectory(volume.resolve("..2024_05_01_11_00_00.000000002"));
    Files.writeString(second.resolve("tls.crt"), "crt-2");
    Files.writeString(second.resolve("tls.key"), "key-2");
    for (String name : List.of("tls.crt", "tls.key")) {
      Files.setLastModifiedTime(second.resolve(name), Files.getLastModifiedTime(first.resolve(name)));
    }
    Path link = Files.createSymbolicLink(volume.resolve("..data_tmp"), second.getFileName());
    Files.move(link, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    watcher.poll();

    assertThat(reported).containsExactly(List.of("crt-2", "key-2"));
  }

  @Test
  void aMissingFileIsNotReportedAndItsReturnIs() throws Exception {
    CertificateFileWatcher watcher = watcher("one", "two");
    watcher.poll();

    Files.delete(b);
    watcher.poll();
    watcher.poll();
    assertThat(reported).isEmpty();

    Files.writeString(b, "back");
    watcher.poll();
    assertThat(reported).containsExactly(List.of("one", "back"));
  }

  @Test
  void aListenerFailureDoesNotStopWatching() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (CertificateFileWatcher running = CertificateFileWatcher.start(List.of(a), List.of(bytes("one")),
        Duration.ofMillis(20), scheduler, contents -> {
          seen.add(new String(contents.get(0), StandardCharsets.UTF_8));
          throw new IllegalStateException("listener failed");
        })) {
      Files.writeString(a, "first");
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("first"));
      Files.writeString(a, "second!");
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("second!"));
    } finally {
      scheduler.shutdownNow();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
