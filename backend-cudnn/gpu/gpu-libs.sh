# Sourced by run-on-h200.sh and gpu-day.sh (not run): finds the CUDA 13 / cuDNN 9 libraries the
# bundle's repointed natives load and the bundle's Java. Needs $bundle and $emulator (empty on a
# GPU machine, else the directory of emulated libraries). Sets java_bin, LD_LIBRARY_PATH (exported),
# gpu_links (a temporary directory to remove at the end) and gpu_jvm_args (an array: the natives'
# path and, on the emulator, its flag). Returns non-zero when there is no Java.
gpu_libs() {
  java_bin="$bundle/jre/bin/java"
  [ -x "$java_bin" ] || java_bin="$(command -v java || true)"
  [ -n "$java_bin" ] || { echo "no Java: neither $bundle/jre nor java on PATH"; return 2; }
  local dirs so d where found="" wanted
  if [ -n "$emulator" ]; then
    dirs="$emulator"
  else
    # Candidate directories: the Python environment's nvidia-* wheels, the CUDA toolkit, the loader.
    dirs=$(python3 - <<'PY' 2>/dev/null
import glob, os
try:
    import nvidia
    for base in nvidia.__path__:
        for lib in glob.glob(os.path.join(base, "*", "lib")):
            print(lib)
except Exception:
    pass
PY
    )
    dirs="$dirs /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/lib/x86_64-linux-gnu"
  fi
  # The sonames the natives were repointed at (natives/REPOINTED.txt); cuBLAS 13 also loads cuBLASLt.
  wanted="libcudnn.so.9 libcublas.so.13 libnvrtc.so.13"
  [ -n "$emulator" ] || wanted="$wanted libcublasLt.so.13"
  for so in $wanted; do
    where=""
    for d in $dirs; do
      if [ -e "$d/$so" ]; then where="$d"; break; fi
    done
    if [ -z "$where" ] && [ -z "$emulator" ]; then
      where=$(ldconfig -p 2>/dev/null | awk -v s="$so" '$1 == s {print $NF; exit}' | xargs -r dirname)
    fi
    echo "$so: ${where:-NOT FOUND}"
    case ":$found:" in *":$where:"*) ;; *) [ -n "$where" ] && found="$found:$where" ;; esac
  done
  # cuDNN opens the unversioned libnvrtc.so itself (docs/BACKEND-NOTES.md: without it the JVM aborts).
  gpu_links="$(mktemp -d)"
  local nvrtc_dir
  nvrtc_dir=$(echo "$found" | tr ':' '\n' | while read -r d; do [ -n "$d" ] && [ -e "$d/libnvrtc.so.13" ] && echo "$d" && break; done)
  [ -n "$nvrtc_dir" ] && ln -sf "$nvrtc_dir/libnvrtc.so.13" "$gpu_links/libnvrtc.so"
  export LD_LIBRARY_PATH="$gpu_links${found}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  if [ -n "$emulator" ]; then
    # The emulator's libJCudaRuntime stands in for JCuda's (which links the real CUDA runtime).
    gpu_jvm_args=(-Djava.library.path="$emulator:$bundle/natives" -Dalexnet4j-test.cuda-emulated=true)
  else
    gpu_jvm_args=(-Djava.library.path="$bundle/natives")
  fi
}
