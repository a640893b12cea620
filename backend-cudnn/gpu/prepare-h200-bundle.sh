#!/usr/bin/env bash
# Builds backend-cudnn/target/gpu-bundle: everything the cuDNN backend's GPU tests need on the H200
# test machine (../shared/docs/BACKEND-NOTES.md), under the 64 MiB a device run can carry:
#   - this module's classes and test classes, and the test class path without ND4J (too big to
#     carry; so the cuDNN-vs-ND4J test cannot run there, only the conformance suite);
#   - the JCuda natives, re-pointed with patchelf from the CUDA 11 / cuDNN 8 libraries they were
#     linked against to the CUDA 13 / cuDNN 9 ones that machine has (NEEDED entries replaced,
#     symbol versions cleared: the legacy calls this backend makes still exist in cuDNN 9);
#   - a jlink-made Java runtime, in case the machine has no JDK;
#   - the JUnit console launcher and run-on-h200.sh.
# Run from anywhere:   backend-cudnn/gpu/prepare-h200-bundle.sh
# Then, on the device: backend-cudnn/gpu/run-on-h200.sh   (carry backend-cudnn/target/gpu-bundle)
# Needs: mvn (offline), patchelf, jlink, unzip, readelf.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bundle=backend-cudnn/target/gpu-bundle
m2="${M2_REPO:-$HOME/.m2/repository}"
# The sonames on the H200 machine (CUDA 13 toolkit, nvidia-cudnn-cu13).
CUDNN_SONAME="${CUDNN_SONAME:-libcudnn.so.9}"
CUBLAS_SONAME="${CUBLAS_SONAME:-libcublas.so.13}"
NVRTC_SONAME="${NVRTC_SONAME:-libnvrtc.so.13}"

for tool in patchelf jlink unzip readelf; do
  command -v "$tool" >/dev/null || { echo "prepare: $tool is missing (apt-get install $tool)" >&2; exit 2; }
done

mvn -B -o -q test-compile -pl backend-cudnn
mvn -B -o -q dependency:build-classpath -pl backend-cudnn -Dmdep.includeScope=test \
  -Dmdep.outputFile="$root/backend-cudnn/target/test-classpath.txt"

rm -rf "$bundle"
mkdir -p "$bundle/lib" "$bundle/natives"
cp -r backend-cudnn/target/classes "$bundle/classes"
cp -r backend-cudnn/target/test-classes "$bundle/test-classes"
# Only what the conformance suite loads: ND4J and JavaCPP are hundreds of MB, JUnit comes inside
# the console launcher, and the JCuda natives jars are replaced by the patched copies below.
keep='/alexnet4j-api/|/com/google/inject/|/com/google/guava/|/jakarta/inject/|/aopalliance/'
keep="$keep"'|/com/typesafe/config/|/org/slf4j/|/ch/qos/logback/|/org/jcuda/jcu[a-z]+/11'
tr ':' '\n' < backend-cudnn/target/test-classpath.txt | grep -E "$keep" | grep -v -- '-natives-' \
  | while read -r jar; do cp "$jar" "$bundle/lib/"; done
cp "$m2"/org/junit/platform/junit-platform-console-standalone/*/junit-platform-console-standalone-*.jar \
  "$bundle/junit-console.jar"

# Re-point one JCuda native: replace the NEEDED library and clear the versions of its symbols.
repoint() { # file old-soname new-soname
  local file="$1" old="$2" new="$3" args=()
  for sym in $(readelf --dyn-syms -W "$file" | awk -v o="@$old" 'index($8, o) {split($8, a, "@"); print a[1]}' | sort -u); do
    args+=(--clear-symbol-version "$sym")
  done
  patchelf "${args[@]}" --replace-needed "$old" "$new" "$file"
  if readelf --dyn-syms -W "$file" | grep -q "@$old"; then
    echo "prepare: $file still has symbols versioned $old" >&2; exit 3
  fi
}
tmp="$(mktemp -d)"
for natives in jcuda jcublas jcudnn; do
  unzip -q -o "$m2/org/jcuda/$natives-natives/11.7.0/$natives-natives-11.7.0-linux-x86_64.jar" 'lib/*.so' -d "$tmp"
done
for lib in JCudaRuntime JCudaDriver JNvrtc JCublas2 JCudnn; do
  cp "$tmp/lib/lib$lib-11.7.0-linux-x86_64.so" "$bundle/natives/"
done
rm -rf "$tmp"
repoint "$bundle/natives/libJCudnn-11.7.0-linux-x86_64.so" libcudnn.so.8 "$CUDNN_SONAME"
repoint "$bundle/natives/libJCublas2-11.7.0-linux-x86_64.so" libcublas.so.11 "$CUBLAS_SONAME"
repoint "$bundle/natives/libJNvrtc-11.7.0-linux-x86_64.so" libnvrtc.so.11.2 "$NVRTC_SONAME"

jlink --add-modules java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$bundle/jre"
cp backend-cudnn/gpu/run-on-h200.sh "$bundle/"

size_kib=$(du -sk "$bundle" | cut -f1)
echo "prepare: $bundle is $((size_kib / 1024)) MiB"
if [ "$size_kib" -gt $((60 * 1024)) ]; then
  echo "prepare: over 60 MiB; a device run carries at most 64 MiB" >&2
  exit 4
fi
