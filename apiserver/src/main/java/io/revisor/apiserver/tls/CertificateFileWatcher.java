package io.revisor.apiserver.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a few small files (certificates, keys, CA bundles) by polling, and hands their contents to a listener when
 * any of them changed.
 *
 * <p>Each poll looks at every file's real path (symbolic links followed), file key (device and inode where the file
 * system has them), size and modification time. Only when one of these differs from the previous poll are the files
 * read, whole; the listener is called when the contents differ from those it last received (initially: the baseline
 * given at start). So a file rewritten in place, a file renamed over the old one, and a Kubernetes Secret or ConfigMap
 * volume whose {@code ..data} symbolic link is swapped to a new directory are all noticed, and touching a file without
 * changing it is not reported. Polling rather than a {@code WatchService} because inotify does not see a symbolic
 * link's target change, and some volume types deliver no events at all.
 *
 * <p>A file that cannot be read (missing for a moment during a rotation, say) is logged once as WARN per distinct
 * problem; the listener is not called, and the files are read again at every poll until they can be.
 *
 * <p>Polls run on the given scheduler with a fixed delay, so they never overlap; the listener runs on the polling
 * thread and may block (it delays the next poll). {@link #close()} stops polling; a poll already running finishes.
 */
public final class CertificateFileWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateFileWatcher.class);

  private final List<Path> files;
  private final Consumer<List<byte[]>> listener;
  // Confined to the polling thread (polls never overlap).
  private List<Fingerprint> seen;
  private List<byte[]> delivered;
  private String problem;
  private volatile ScheduledFuture<?> polling;

  CertificateFileWatcher(List<Path> files, List<byte[]> baseline, Consumer<List<byte[]>> listener) {
    if (files.isEmpty() || baseline.size() != files.size()) {
      throw new IllegalArgumentException("one baseline content per file is needed");
    }
    this.files = List.copyOf(files);
    this.delivered = baseline.stream().map(byte[]::clone).toList();
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Starts polling {@code files} every {@code interval}.
   *
   * @param baseline the contents the caller already uses, one per file in order; the first poll reads the files and
   *     reports them when they differ from these (so a change between the caller's read and the start is not lost)
   * @param listener receives the contents of all files, in order, after a change; exceptions it throws are logged
   */
  public static CertificateFileWatcher start(List<Path> files, List<byte[]> baseline, Duration interval,
      ScheduledExecutorService scheduler, Consumer<List<byte[]>> listener) {
    CertificateFileWatcher watcher = new CertificateFileWatcher(files, baseline, listener);
    long millis = Math.max(1, interval.toMillis());
    watcher.polling = scheduler.scheduleWithFixedDelay(watcher::pollSafely, 0, millis, TimeUnit.MILLISECONDS);
    return watcher;
  }

  /** The watched files. */
  public List<Path> files() {
    return files;
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException | Error e) {
      // An exception would end the periodic task silently; log it and keep polling.
      LOG.error("watching {} failed", files, e);
    }
  }

  /** One poll: the fingerprints, and when they changed the contents, and when those changed the listener. */
  void poll() {
    List<Fingerprint> now = new ArrayList<>(files.size());
    for (Path file : files) {
      now.add(Fingerprint.of(file));
    }
    if (now.equals(seen)) {
      return;
    }
    List<byte[]> contents = new ArrayList<>(files.size());
    for (Path file : files) {
      try {
        contents.add(Files.readAllBytes(file));
      } catch (IOException e) {
        String message = e instanceof NoSuchFileException ? file + ": no such file" : e.toString();
        if (!message.equals(problem)) {
          LOG.warn("cannot read {}: {}; keeping what was read before", file, message);
          problem = message;
        }
        seen = null; // read again at the next poll
        return;
      }
    }
    seen = now;
    problem = null;
    if (sameContents(contents, delivered)) {
      return;
    }
    delivered = contents;
    try {
      listener.accept(contents.stream().map(byte[]::clone).toList());
    } catch (RuntimeException e) {
      LOG.error("handling the change of {} failed", files, e);
    }
  }

  private static boolean sameContents(List<byte[]> a, List<byte[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    ScheduledFuture<?> task = polling;
    if (task != null) {
      task.cancel(false);
    }
  }

  /** What a poll compares; {@code realPath} null when the file (or a link on its way) is missing. */
  private record Fingerprint(Path realPath, Object fileKey, long size, FileTime modified) {
    static Fingerprint of(Path file) {
      try {
        Path real = file.toRealPath();
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
        return new Fingerprint(real, attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
      } catch (IOException e) {
        return new Fingerprint(null, null, -1, null);
      }
    }
  }
}
