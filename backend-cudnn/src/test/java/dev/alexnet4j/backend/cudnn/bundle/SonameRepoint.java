package dev.alexnet4j.backend.cudnn.bundle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Repoints one of JCuda 11.7.0's JNI libraries from the CUDA 11 / cuDNN 8 library it was linked
 * against to a newer one (e.g. {@code libcublas.so.11} to {@code libcublas.so.13}), so that it
 * loads on a machine with only CUDA 13 and cuDNN 9. Pure Java, so the GPU bundle builds on any
 * machine with Maven: no patchelf, no Python.
 *
 * <p>Two things tie a JNI library to the old library, and both must change:
 *
 * <ol>
 *   <li>its {@code DT_NEEDED} entry names the old soname, so the loader would look for that file;
 *   <li>its symbol-version needs ({@code .gnu.version_r}) require the version node the old library
 *       defines ({@code libcublas.so.11}), and each imported symbol carries that version ({@code
 *       .gnu.version}). NVIDIA's newer libraries define their own node ({@code libcublas.so.13}),
 *       so with only the NEEDED entry repointed (what {@code patchelf --replace-needed} does) the
 *       load still fails: "version `libcublas.so.11' not found".
 * </ol>
 *
 * <p>The fix, in place and without moving anything in the file:
 *
 * <ul>
 *   <li>The old soname's string in {@code .dynstr} is overwritten with the new one (NUL-padded; the
 *       new name must not be longer). The linker stores that string once and points the NEEDED
 *       entry, the version need's file and the version need's name all at it, so all three now name
 *       the new library; we check that nothing else points into the string.
 *   <li>The version need's hash is recomputed for its new name (the loader compares hash, then
 *       name), and the need is marked weak ({@code VER_FLG_WEAK}): if the new library does not
 *       define a node of exactly that name, the loader does not refuse to load.
 *   <li>Every imported symbol that required that version is made unversioned ({@code
 *       VER_NDX_GLOBAL}): it then binds by name to the library's default definition, whatever the
 *       library calls its version node. cuDNN 9 and cuBLAS 13 keep the entry points this backend
 *       calls under the same names.
 * </ul>
 *
 * <p>The result needs no particular version node from the new library, yet where it has the
 * expected one (as NVIDIA's CUDA 13 libraries and the emulated ones do) the need is satisfied
 * outright. Only ELF64 little-endian (x86-64, the only platform JCuda ships here) is handled.
 */
public final class SonameRepoint {
  private static final int SHT_DYNAMIC = 6;
  private static final int SHT_DYNSYM = 11;
  private static final int SHT_GNU_VERDEF = 0x6ffffffd;
  private static final int SHT_GNU_VERNEED = 0x6ffffffe;
  private static final int SHT_GNU_VERSYM = 0x6fffffff;
  private static final long DT_NULL = 0;
  private static final long DT_NEEDED = 1;
  private static final long DT_SONAME = 14;
  private static final long DT_RPATH = 15;
  private static final long DT_RUNPATH = 29;
  private static final int VER_FLG_WEAK = 0x2;
  private static final int VER_NDX_GLOBAL = 1;

  private SonameRepoint() {}

  /** What {@link #repoint} changed, for the build's log. */
  public record Result(String oldSoname, String newSoname, int versionNeeds, int symbols) {
    @Override
    public String toString() {
      return oldSoname
          + " -> "
          + newSoname
          + " (NEEDED and "
          + versionNeeds
          + " version need(s) renamed and made weak, "
          + symbols
          + " imported symbol(s) unversioned)";
    }
  }

  /**
   * Rewrites {@code elf} in place so that it needs {@code newSoname} where it needed {@code
   * oldSoname}; throws {@link IllegalArgumentException} when the file is not what this expects (no
   * such NEEDED entry, a longer new name, a shared string).
   */
  public static Result repoint(byte[] elf, String oldSoname, String newSoname) {
    Elf f = new Elf(elf);
    byte[] oldName = oldSoname.getBytes(StandardCharsets.US_ASCII);
    byte[] newName = newSoname.getBytes(StandardCharsets.US_ASCII);
    if (newName.length > oldName.length) {
      throw new IllegalArgumentException(
          newSoname + " is longer than " + oldSoname + ": it cannot replace it in place");
    }
    // The one string offset that names the old library.
    Integer at = null;
    for (long[] entry : f.dynamicEntries()) {
      if (entry[0] == DT_NEEDED && f.string(entry[1]).equals(oldSoname)) {
        at = (int) entry[1];
      }
    }
    if (at == null) {
      throw new IllegalArgumentException("no NEEDED entry " + oldSoname + "; needs " + f.needed());
    }
    int start = at;
    int end = at + oldName.length; // the NUL
    // Whatever points at the string must point at its start (it is renamed as a whole), and
    // nothing may point into its tail: the linker may share a string's tail with another string.
    for (long ref : f.stringReferences()) {
      if (ref > start && ref <= end) {
        throw new IllegalArgumentException(
            "another string shares the tail of " + oldSoname + " (offset " + ref + ")");
      }
    }
    // The version needs that name the old library (the file, or the version node itself).
    List<Integer> needs = new ArrayList<>(); // offsets of Vernaux entries
    List<Integer> indexes = new ArrayList<>(); // their version indexes (vna_other)
    for (int[] aux : f.versionNeeds()) {
      int file = aux[0];
      int auxOffset = aux[1];
      int name = f.buf.getInt(auxOffset + 8);
      if (file == start || name == start) {
        if (name != start) {
          throw new IllegalArgumentException(
              "a version need of "
                  + oldSoname
                  + " names version "
                  + f.string(name)
                  + ", not "
                  + oldSoname
                  + ": not the layout JCuda's natives have");
        }
        needs.add(auxOffset);
        indexes.add(f.buf.getShort(auxOffset + 6) & 0x7fff);
      }
    }
    // 1. Rename: the NEEDED entry, the need's file and the need's name share this string.
    System.arraycopy(newName, 0, elf, f.dynstr + start, newName.length);
    for (int i = newName.length; i <= oldName.length; i++) {
      elf[f.dynstr + start + i] = 0;
    }
    // 2. The needs: hash of the new name, and weak (a missing node no longer refuses the load).
    for (int aux : needs) {
      f.buf.putInt(aux, (int) elfHash(newName));
      f.buf.putShort(aux + 4, (short) (f.buf.getShort(aux + 4) | VER_FLG_WEAK));
    }
    // 3. The imported symbols that required one of those versions: unversioned from now on.
    int symbols = 0;
    if (f.versym >= 0) {
      for (int i = 0; i < f.versymCount; i++) {
        int pos = f.versym + 2 * i;
        int ndx = f.buf.getShort(pos) & 0x7fff;
        if (indexes.contains(ndx)) {
          f.buf.putShort(pos, (short) VER_NDX_GLOBAL);
          symbols++;
        }
      }
    }
    return new Result(oldSoname, newSoname, needs.size(), symbols);
  }

  /** The NEEDED entries of {@code elf}, in order. */
  public static List<String> needed(byte[] elf) {
    return new Elf(elf).needed();
  }

  /**
   * The version needs of {@code elf}, one per line as {@code file: name flags=F}, for tests and the
   * build's log.
   */
  public static List<String> versionNeeds(byte[] elf) {
    Elf f = new Elf(elf);
    List<String> out = new ArrayList<>();
    for (int[] aux : f.versionNeeds()) {
      out.add(
          f.string(aux[0])
              + ": "
              + f.string(f.buf.getInt(aux[1] + 8))
              + " flags="
              + (f.buf.getShort(aux[1] + 4) & 0xffff));
    }
    return out;
  }

  /** The System V ELF hash, as stored in {@code vna_hash}. */
  static long elfHash(byte[] name) {
    long h = 0;
    for (byte b : name) {
      h = (h << 4) + (b & 0xff);
      long g = h & 0xf0000000L;
      if (g != 0) {
        h ^= g >>> 24;
      }
      h &= ~g & 0xffffffffL;
    }
    return h;
  }

  /** The parts of an ELF64 little-endian shared object this class reads, by section header. */
  private static final class Elf {
    final ByteBuffer buf;
    int dynamic = -1;
    int dynamicSize;
    int dynsym = -1;
    int dynsymCount;
    int dynstr = -1;
    int versym = -1;
    int versymCount;
    int verneed = -1;
    int verneedCount;
    int verdef = -1;
    int verdefCount;

    Elf(byte[] bytes) {
      buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      if (bytes.length < 64
          || bytes[0] != 0x7f
          || bytes[1] != 'E'
          || bytes[2] != 'L'
          || bytes[3] != 'F') {
        throw new IllegalArgumentException("not an ELF file");
      }
      if (bytes[4] != 2 || bytes[5] != 1) {
        throw new IllegalArgumentException("not ELF64 little-endian");
      }
      long shoff = buf.getLong(0x28);
      int shentsize = buf.getShort(0x3a) & 0xffff;
      int shnum = buf.getShort(0x3c) & 0xffff;
      for (int i = 0; i < shnum; i++) {
        int sh = (int) (shoff + (long) i * shentsize);
        int type = buf.getInt(sh + 4);
        int offset = (int) buf.getLong(sh + 0x18);
        int size = (int) buf.getLong(sh + 0x20);
        int link = buf.getInt(sh + 0x28);
        int info = buf.getInt(sh + 0x2c);
        switch (type) {
          case SHT_DYNAMIC -> {
            dynamic = offset;
            dynamicSize = size;
          }
          case SHT_DYNSYM -> {
            dynsym = offset;
            dynsymCount = size / 24;
            int strSh = (int) (shoff + (long) link * shentsize);
            dynstr = (int) buf.getLong(strSh + 0x18);
          }
          case SHT_GNU_VERSYM -> {
            versym = offset;
            versymCount = size / 2;
          }
          case SHT_GNU_VERNEED -> {
            verneed = offset;
            verneedCount = info;
          }
          case SHT_GNU_VERDEF -> {
            verdef = offset;
            verdefCount = info;
          }
          default -> {}
        }
      }
      if (dynamic < 0 || dynsym < 0 || dynstr < 0) {
        throw new IllegalArgumentException("no dynamic section, symbols or strings");
      }
    }

    String string(long offset) {
      int from = dynstr + (int) offset;
      int to = from;
      while (buf.get(to) != 0) {
        to++;
      }
      return new String(buf.array(), from, to - from, StandardCharsets.US_ASCII);
    }

    /** {tag, value} of each .dynamic entry up to DT_NULL. */
    List<long[]> dynamicEntries() {
      List<long[]> out = new ArrayList<>();
      for (int p = dynamic; p < dynamic + dynamicSize; p += 16) {
        long tag = buf.getLong(p);
        if (tag == DT_NULL) {
          break;
        }
        out.add(new long[] {tag, buf.getLong(p + 8)});
      }
      return out;
    }

    List<String> needed() {
      List<String> out = new ArrayList<>();
      for (long[] e : dynamicEntries()) {
        if (e[0] == DT_NEEDED) {
          out.add(string(e[1]));
        }
      }
      return out;
    }

    /** {vn_file, offset of the Vernaux} of every version need. */
    List<int[]> versionNeeds() {
      List<int[]> out = new ArrayList<>();
      int vn = verneed;
      for (int i = 0; verneed >= 0 && i < verneedCount; i++) {
        int cnt = buf.getShort(vn + 2) & 0xffff;
        int file = buf.getInt(vn + 4);
        int aux = vn + buf.getInt(vn + 8);
        for (int j = 0; j < cnt; j++) {
          out.add(new int[] {file, aux});
          aux += buf.getInt(aux + 12);
        }
        vn += buf.getInt(vn + 12);
      }
      return out;
    }

    /** Every .dynstr offset the dynamic linker reads. */
    List<Long> stringReferences() {
      List<Long> out = new ArrayList<>();
      for (long[] e : dynamicEntries()) {
        if (e[0] == DT_NEEDED || e[0] == DT_SONAME || e[0] == DT_RPATH || e[0] == DT_RUNPATH) {
          out.add(e[1]);
        }
      }
      for (int i = 0; i < dynsymCount; i++) {
        out.add(buf.getInt(dynsym + 24 * i) & 0xffffffffL);
      }
      for (int[] aux : versionNeeds()) {
        out.add((long) aux[0]);
        out.add(buf.getInt(aux[1] + 8) & 0xffffffffL);
      }
      int vd = verdef;
      for (int i = 0; verdef >= 0 && i < verdefCount; i++) {
        int cnt = buf.getShort(vd + 6) & 0xffff;
        int aux = vd + buf.getInt(vd + 12);
        for (int j = 0; j < cnt; j++) {
          out.add(buf.getInt(aux) & 0xffffffffL);
          aux += buf.getInt(aux + 4);
        }
        vd += buf.getInt(vd + 16);
      }
      return out;
    }
  }
}
