#!/usr/bin/env bash
# Runs the cuDNN backend's GPU tests from the GPU bundle this script is copied into
# (backend-cudnn/target/gpu-bundle, made by the Maven build; see prepare-h200-bundle.sh). On the
# H200 test machine (CUDA 13 driver, cuDNN 9 and the CUDA 13 libraries in a Python venv's nvidia-*
# wheels, no network, no Java), carry the bundle and run:
#
#   backend-cudnn/target/gpu-bundle/run-on-h200.sh
#
# Always GPU-required: a GPU test that skips (the backend did not load) fails the run, and so does
# any GPU class executing fewer tests than the build's emulated run of it (expected-gpu-tests.
# properties). The last lines are the executed / skipped / failed counts and the verdict; the exit
# status is 0 only on PASS. Everything goes to stdout and to $OUT (log, per-test report).
#
# Dry run (the build's integration-test phase does this on every `mvn verify`):
#   ALEXNET4J_GPU_BUNDLE_EMULATOR=cuda-emulator/target/emulator/cuda13 .../run-on-h200.sh
# looks for the libraries only in that directory of emulated CUDA 13 / cuDNN 9 libraries and puts
# the emulator's libJCudaRuntime first: it proves the bundle loads and the flow works, not the GPU.
set -uo pipefail
bundle="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
step() { echo; echo "== $*"; }
emulator="${ALEXNET4J_GPU_BUNDLE_EMULATOR:-}"
# The suite's time limit (gpu-day.sh gives it its share of ten minutes).
suite_limit="${GPU_SUITE_TIMEOUT_S:-480}"
if [ -n "$emulator" ]; then
  emulator="$(cd "$emulator" && pwd)" || { echo "no emulator directory $ALEXNET4J_GPU_BUNDLE_EMULATOR"; exit 2; }
  banner="DRY RUN on the emulated CUDA stack in $emulator (emulated: proves loading and the flow, not the GPU)"
fi

main() {
[ -n "$emulator" ] && echo "$banner"

step "machine"
if [ -n "$emulator" ]; then
  echo "no GPU: emulated (ALEXNET4J_GPU_BUNDLE_EMULATOR)"
else
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || echo "no nvidia-smi"
fi
# The bundle's own runtime (jlink'd at build time, and what the build's dry run used) when present,
# and the libraries (gpu-libs.sh).
. "$bundle/gpu-libs.sh"
step "libraries"
gpu_libs || return 2
"$java_bin" -version
cat "$bundle/natives/REPOINTED.txt"

step "GPU tests (GPU-required mode)"
jvm_args=(-Xmx8g -Dalexnet4j-test.gpu-required=true "${gpu_jvm_args[@]}")
export ALEXNET4J_GPU_REQUIRED=1
# On the emulator, its leak report fails a class that leaves anything alive, as in the build.
[ -n "$emulator" ] && export ALEXNET4J_CUDA_EMU_LEAKS=fail
cp="$bundle/classes:$bundle/test-classes:$bundle/lib/*"
# The GPU classes come from expected-gpu-tests.properties; CudnnBackendSelectionTest (the
# availability report, not tagged gpu) runs too, and only its failures count.
timeout "$suite_limit" "$java_bin" "${jvm_args[@]}" -cp "$cp" dev.alexnet4j.backend.cudnn.bundle.GpuSuiteRun \
  "$bundle/expected-gpu-tests.properties" "$out/gpu-tests.txt" \
  dev.alexnet4j.backend.cudnn.CudnnBackendSelectionTest
status=$?
rm -rf "$gpu_links"
[ "$status" -eq 124 ] && echo "GPU suite: FAIL (timed out after $suite_limit s)"
echo "per-test outcomes: $out/gpu-tests.txt; log: $out/run-on-h200.log"
[ -n "$emulator" ] && echo "$banner"
echo "run-on-h200: exit status $status"
return "$status"
}

main 2>&1 | tee "$out/run-on-h200.log"
exit "${PIPESTATUS[0]}"
