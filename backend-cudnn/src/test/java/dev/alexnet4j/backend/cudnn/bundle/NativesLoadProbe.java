package dev.alexnet4j.backend.cudnn.bundle;

import java.nio.file.Path;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcudnn.JCudnn;
import jcuda.nvrtc.JNvrtc;

/**
 * Run in a child JVM by {@link RepointedNativesLoadTest} (the dynamic loader's search path is fixed
 * when a process starts, so each library set needs its own process):
 *
 * <pre>
 *   NativesLoadProbe load lib...   System.load each file; print LOADED or FAILED with dlopen's text
 *   NativesLoadProbe calls         one real call through JCudnn, JCublas2 and JNvrtc
 * </pre>
 *
 * Every outcome is one line on stdout; the exit status is 0 only when all succeeded.
 */
public final class NativesLoadProbe {
  private NativesLoadProbe() {}

  public static void main(String[] args) {
    boolean ok = true;
    if (args[0].equals("load")) {
      for (int i = 1; i < args.length; i++) {
        ok &= load(args[i]);
      }
    } else {
      ok = calls();
    }
    System.exit(ok ? 0 : 1);
  }

  private static boolean load(String file) {
    String name = Path.of(file).getFileName().toString();
    try {
      System.load(file);
      System.out.println("LOADED " + name);
      return true;
    } catch (UnsatisfiedLinkError e) {
      System.out.println("FAILED " + name + ": " + e.getMessage());
      return false;
    }
  }

  /**
   * The classes load their natives by name from java.library.path (the repointed copies, which the
   * test puts there alone), then each makes a call into the NVIDIA library it links.
   */
  private static boolean calls() {
    boolean ok = true;
    try {
      System.out.println("CALL cudnnGetVersion = " + JCudnn.cudnnGetVersion());
    } catch (Throwable t) {
      System.out.println("FAILED cudnnGetVersion: " + t);
      ok = false;
    }
    try {
      cublasHandle handle = new cublasHandle();
      int created = JCublas2.cublasCreate(handle);
      int[] version = new int[1];
      int got = JCublas2.cublasGetVersion(handle, version);
      int destroyed = JCublas2.cublasDestroy(handle);
      System.out.println(
          "CALL cublasCreate = "
              + created
              + ", cublasGetVersion = "
              + got
              + " ("
              + version[0]
              + "), cublasDestroy = "
              + destroyed);
      ok &= created == 0 && got == 0 && destroyed == 0;
    } catch (Throwable t) {
      System.out.println("FAILED cublas: " + t);
      ok = false;
    }
    try {
      int[] major = new int[1];
      int[] minor = new int[1];
      int status = JNvrtc.nvrtcVersion(major, minor);
      System.out.println("CALL nvrtcVersion = " + status + " (" + major[0] + "." + minor[0] + ")");
      ok &= status == 0;
    } catch (Throwable t) {
      System.out.println("FAILED nvrtcVersion: " + t);
      ok = false;
    }
    return ok;
  }
}
