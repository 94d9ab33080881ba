package io.revisor.apiserver.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that readers never see half of one: content goes to a temporary file in the same directory, is
 * flushed to disk, gets its final permissions, and is then renamed over the target.
 *
 * <p>Stateless and thread-safe; concurrent writers of one target are the caller's business.
 */
final class SecureFiles {
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
  static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

  private SecureFiles() {}

  /** Creates the directory (owner-only when it is new) and its missing parents. */
  static void createDirectory(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    if (posix(directory.toAbsolutePath().getParent())) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
    } else {
      Files.createDirectories(directory);
    }
  }

  /** Replaces {@code target} with {@code content}, atomically, with the given permissions where POSIX applies. */
  static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    boolean posix = posix(directory);
    FileAttribute<?>[] attributes = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
    Path temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp", attributes);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (posix) {
        Files.setPosixFilePermissions(temporary, permissions);
      }
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static boolean posix(Path directory) {
    try {
      Path existing = directory;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
    } catch (IOException e) {
      return false;
    }
  }
}
