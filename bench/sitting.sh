#!/usr/bin/env bash
# One side-by-side sitting: PyTorch (bench/torch_alexnet.py) and `bin/alexnet4j bench` on the
# paper's AlexNet, alternating, same thread pinning, ROUNDS rounds; then the ratios of the medians.
#   bench/sitting.sh [ROUNDS] [-- extra bench options, e.g. -Dalexnet4j.nd4j.convolution=libnd4j]
# Run from the repository's root after a build, on a quiet machine (it prints the load).
#
# PyTorch's matrix products run on OpenBLAS, whose kernels follow OPENBLAS_CORETYPE; the anchor gets
# its fastest here: TORCH_OPENBLAS_CORETYPE, by default SkylakeX (AVX-512) where the CPU has
# avx512f, else Haswell (AVX2). To compare as on an AVX2-only CPU, cap both sides' instruction set:
#   ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell \
#   TORCH_OPENBLAS_CORETYPE=Haswell ALEXNET4J_JAVA_OPTS=-XX:UseAVX=2 bench/sitting.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-2}
shift || true
[ "${1:-}" = "--" ] && shift
extra=("$@")
blas=/usr/lib/x86_64-linux-gnu/openblas-pthread
[ -f "$blas/libblas.so.3" ] || { echo "libopenblas0-pthread is missing: PyTorch would run on the reference BLAS (apt-get install libopenblas0-pthread)" >&2; exit 2; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "python3-torch is missing (apt-get install python3-torch)" >&2; exit 2; }
export OMP_PROC_BIND=true OMP_NUM_THREADS=2
if grep -qw avx512f /proc/cpuinfo; then torch_core=${TORCH_OPENBLAS_CORETYPE:-SkylakeX}; else torch_core=${TORCH_OPENBLAS_CORETYPE:-Haswell}; fi
out=$(mktemp -d)
echo "PyTorch's OpenBLAS kernels: $torch_core; ours: ${OPENBLAS_CORETYPE:-detected}; oneDNN ISA cap: ${ONEDNN_MAX_CPU_ISA:-none}"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) | $(grep -o 'avx512[a-z_0-9]*\|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
cc -O2 -pthread bench/fma_peak.c -o "$out/fma_peak" && "$out/fma_peak" 2 3
for r in $(seq 1 "$rounds"); do
  echo "== round $r $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  OPENBLAS_CORETYPE=$torch_core LD_LIBRARY_PATH=$blas /usr/bin/python3 bench/torch_alexnet.py --train 32,128 --infer 64 | tee -a "$out/torch"
  bin/alexnet4j bench -Dalexnet4j.model=alexnet --batch 32 --json "${extra[@]}" 2>/dev/null | tail -1 | tee -a "$out/b32" | cut -c1-200
  bin/alexnet4j bench -Dalexnet4j.model=alexnet --batch 128 --warmup 1 --iterations 4 --json "${extra[@]}" 2>/dev/null | tail -1 | tee -a "$out/b128" | cut -c1-200
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
d = sys.argv[1]
torch = [json.loads(l) for l in open(d + "/torch")]
ours = {b: [json.loads(l) for l in open(f"{d}/b{b}") if l.strip()] for b in (32, 128)}
def theirs(mode, batch):
    return statistics.median(r["median"] for r in torch if r["mode"] == mode and r["batch"] == batch)
for b in (32, 128):
    o = statistics.median(r["train_images_per_second"]["median"] for r in ours[b])
    print(f"train b{b}: alexnet4j {o:.1f} vs PyTorch {theirs('train', b):.1f} images/s = {o / theirs('train', b):.2f}x")
o = statistics.median(r["inference_images_per_second"] for r in ours[32] + ours[128])
print(f"inference b64: alexnet4j {o:.1f} vs PyTorch {theirs('infer', 64):.1f} images/s = {o / theirs('infer', 64):.2f}x")
PY
