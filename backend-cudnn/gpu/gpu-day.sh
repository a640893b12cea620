#!/usr/bin/env bash
# The one command for the day a GPU is lent, run from the GPU bundle it is copied into
# (backend-cudnn/target/gpu-bundle; docs/GPU-RUN.md says how to build it with its ND4J reference):
#
#   backend-cudnn/target/gpu-bundle/gpu-day.sh
#
# Five parts, each under its own time limit, ten minutes in all (GPU_DAY_BUDGET_S, default 600):
#   suite - the conformance suite in GPU-required mode (run-on-h200.sh);
#   match - CudnnMatchesNd4jTest's check on the real AlexNet shapes: step 0 of the reference
#           workload on cuDNN against ND4J's (probabilities, loss, every layer output, every gradient);
#   train - the reference's training steps (200 of alexnet) on one GPU, the loss compared step by step
#           with ND4J's, and the weights at the first, middle and last step;
#   bench - alexnet4j bench per layer at batch 128;
#   split - the two-tower split on two GPUs if there are two, else on two streams of one, its losses
#           against ND4J's, then its step time against one device in paired steps.
# ND4J cannot be carried (hundreds of MiB against 64): its results were computed at bundle time
# (GpuDayReference) and travel as day/reference-full.txt.gz. The last lines are the summary (each
# part: PASS / FAIL / NOT RUN, seconds, numbers); the exit status is 0 only when every part passed.
# Everything goes to stdout and $OUT (gpu-day.log, per part logs, bench.txt).
#
# Dry run: ALEXNET4J_GPU_BUNDLE_EMULATOR=cuda-emulator/target/emulator/cuda13 .../gpu-day.sh
# runs on the emulated CUDA 13 / cuDNN 9 libraries against the small reference the build makes
# (day/reference-dry.txt.gz: alexnet-small, a few steps): it proves the flow, not the GPU, and
# reports no timing. GPU_DAY_PARTS picks parts (e.g. "match train"); GPU_DAY_REFERENCE another file.
set -uo pipefail
bundle="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
emulator="${ALEXNET4J_GPU_BUNDLE_EMULATOR:-}"
budget="${GPU_DAY_BUDGET_S:-600}"
parts="${GPU_DAY_PARTS:-suite match train bench split}"
declare -A limit=([suite]=240 [match]=60 [train]=120 [bench]=90 [split]=90)
if [ -n "$emulator" ]; then
  emulator="$(cd "$emulator" && pwd)" || { echo "no emulator directory $ALEXNET4J_GPU_BUNDLE_EMULATOR"; exit 2; }
  mode=dry
  banner="DRY RUN on the emulated CUDA stack in $emulator (emulated: proves the flow, not the GPU; no timing reported)"
  reference="${GPU_DAY_REFERENCE:-$bundle/day/reference-dry.txt.gz}"
else
  mode=full
  banner="GPU day on $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | sort | uniq -c | xargs || echo 'an unnamed GPU')"
  reference="${GPU_DAY_REFERENCE:-$bundle/day/reference-full.txt.gz}"
fi
start=$(date +%s)
summary=()
failed=0

main() {
echo "$banner"
echo "parts: $parts; budget ${budget} s; reference $reference"
[ -z "$emulator" ] && { nvidia-smi || echo "no nvidia-smi"; }
. "$bundle/gpu-libs.sh"
gpu_libs || return 2
cp="$bundle/classes:$bundle/test-classes:$bundle/lib/*:$bundle/day/classes:$bundle/day/lib/*"
for part in $parts; do
  [ -n "${limit[$part]:-}" ] || { echo "no part $part (suite match train bench split)"; return 2; }
  local left=$((budget - ($(date +%s) - start)))
  local cap=${limit[$part]}
  [ "$left" -lt "$cap" ] && cap=$left
  echo; echo "== $part (at most $cap s)"
  if [ "$cap" -lt 15 ]; then
    record "$part" "NOT RUN" 0 "the ${budget} s budget is spent"
    continue
  fi
  local t0=$(date +%s) rc line
  if [ "$part" = suite ]; then
    GPU_SUITE_TIMEOUT_S=$cap OUT="$out/suite" "$bundle/run-on-h200.sh" > "$out/suite.log" 2>&1
    rc=$?
    tail -n 40 "$out/suite.log"
    line=$(grep -E "^GPU tests: executed" "$out/suite.log" | tail -1)
    [ "$rc" -eq 0 ] && record suite PASS $(( $(date +%s) - t0 )) "${line:-?}" \
      || record suite FAIL $(( $(date +%s) - t0 )) "exit $rc; ${line:-no counts (see $out/suite.log)}"
    continue
  fi
  if [ ! -f "$reference" ]; then
    record "$part" FAIL 0 "no ND4J reference $reference (build it: docs/GPU-RUN.md, -Dgpu.day.reference=full)"
    continue
  fi
  (
    if [ -n "$emulator" ]; then
      export ALEXNET4J_CUDA_EMU_LEAKS=fail
      # One emulated GPU, as on a one-H200 machine, so the split takes the two-stream path.
      [ "$part" = split ] && export ALEXNET4J_CUDA_EMU_DEVICES="${GPU_DAY_EMU_DEVICES:-1}"
    fi
    timeout -k 10 "$cap" "$java_bin" -Xmx8g "${gpu_jvm_args[@]}" -cp "$cp" \
      dev.alexnet4j.cli.GpuDayRun "$part" "$reference" "$mode" "$out/$part"
  ) > "$out/$part.log" 2>&1
  rc=$?
  grep -v -E "^[0-9:.]+ (DEBUG|INFO) " "$out/$part.log" | grep -v "^RESULT " | tail -n 60
  line=$(grep "^RESULT part=$part " "$out/$part.log" | tail -1)
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    record "$part" FAIL $(( $(date +%s) - t0 )) "timed out after $cap s (log: $out/$part.log)"
  elif [ -z "$line" ]; then
    record "$part" FAIL $(( $(date +%s) - t0 )) "exit $rc, no result line (log: $out/$part.log)"
  else
    local status="${line#*status=}"; status="${status%% *}"
    [ "$rc" -ne 0 ] && status=FAIL
    record "$part" "$status" $(( $(date +%s) - t0 )) "${line#*summary=}"
  fi
done
rm -rf "$gpu_links"

echo
echo "== summary ($mode, $(( $(date +%s) - start )) s of ${budget} s)"
[ -n "$emulator" ] && echo "$banner"
printf '%s\n' "${summary[@]}"
if [ "$failed" -eq 0 ]; then echo "GPU day: PASS"; else echo "GPU day: FAIL ($failed part(s) failed or not run)"; fi
echo "logs: $out"
return "$failed"
}

record() {
  summary+=("$(printf '%-6s %-8s %4ss  %s' "$1" "$2" "$3" "$4")")
  [ "$2" = PASS ] || failed=$((failed + 1))
}

main 2>&1 | tee "$out/gpu-day.log"
exit "${PIPESTATUS[0]}"
