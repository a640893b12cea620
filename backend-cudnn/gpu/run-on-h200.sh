#!/usr/bin/env bash
# On the H200 test machine, from the repository root, with backend-cudnn/target/gpu-bundle carried
# (made by prepare-h200-bundle.sh): finds cuDNN 9, cuBLAS 13 and NVRTC 13, then runs the cuDNN
# backend's GPU conformance suite. Everything it learns goes to stdout and to $OUT (JUnit XML
# reports, a summary), so that one device call answers what ran and what did not.
set -uo pipefail
bundle=backend-cudnn/target/gpu-bundle
out="${OUT:-$(mktemp -d)}"
exec > >(tee "$out/run-on-h200.log") 2>&1
step() { echo; echo "== $*"; }

step "machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || echo "no nvidia-smi"
java_bin="$(command -v java || true)"
[ -n "$java_bin" ] || java_bin="$bundle/jre/bin/java"
"$java_bin" -version

step "libraries"
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
found=""
for so in libcudnn.so.9 libcublas.so.13 libcublasLt.so.13 libnvrtc.so.13; do
  where=""
  for d in $dirs; do
    if [ -e "$d/$so" ]; then where="$d"; break; fi
  done
  if [ -z "$where" ]; then
    where=$(ldconfig -p 2>/dev/null | awk -v s="$so" '$1 == s {print $NF; exit}' | xargs -r dirname)
  fi
  echo "$so: ${where:-NOT FOUND}"
  [ -n "$where" ] && found="$found:$where"
done
# cuDNN opens the unversioned libnvrtc.so itself (BACKEND-NOTES.md: without it the JVM aborts).
links="$(mktemp -d)"
nvrtc_dir=$(echo "$found" | tr ':' '\n' | while read -r d; do [ -e "$d/libnvrtc.so.13" ] && echo "$d" && break; done)
[ -n "$nvrtc_dir" ] && ln -sf "$nvrtc_dir/libnvrtc.so.13" "$links/libnvrtc.so"
export LD_LIBRARY_PATH="$links${found}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"

step "GPU conformance suite and availability report"
# The launcher's --class-path takes no wildcards: list the jars.
cp="$bundle/classes:$bundle/test-classes$(printf ':%s' "$bundle"/lib/*.jar)"
selectors=()
for c in Tensor Convolution Pooling Lrn Relu Dropout Dense SoftmaxCrossEntropy Sgd ChannelConcat TopK; do
  selectors+=(--select-class "dev.alexnet4j.backend.cudnn.Cudnn${c}ConformanceTest")
done
selectors+=(--select-class dev.alexnet4j.backend.cudnn.CudnnBackendSelectionTest)
timeout 480 "$java_bin" -Xmx8g -Djava.library.path="$bundle/natives" \
  -jar "$bundle/junit-console.jar" execute --class-path "$cp" "${selectors[@]}" \
  --details=tree --reports-dir "$out/junit"
status=$?
echo "junit exit status: $status"
exit "$status"
