package dev.alexnet4j.augment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A SHA-256 digest built from strings and numbers, for cache keys. Not thread-safe. */
final class Fingerprint {
  private final MessageDigest digest;

  Fingerprint() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide SHA-256", e);
    }
  }

  Fingerprint add(String s) {
    digest.update(s.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
    return this;
  }

  Fingerprint add(long v) {
    for (int i = 0; i < 8; i++) {
      digest.update((byte) (v >>> (8 * i)));
    }
    return this;
  }

  /** The digest in hex; the fingerprint cannot be used afterwards. */
  String hex() {
    return HexFormat.of().formatHex(digest.digest());
  }
}
