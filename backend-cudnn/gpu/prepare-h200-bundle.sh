#!/usr/bin/env bash
# Builds backend-cudnn/target/gpu-bundle, what the H200 test machine needs to run the cuDNN
# backend's GPU tests (under 60 MiB; a device run carries at most 64 MiB). The bundle is made by
# Maven in every build that runs the tests (backend-cudnn/pom.xml, GpuBundle); this only runs that
# build for the modules the bundle needs, from a clean checkout, with nothing but Maven and a JDK:
#   - the emulated GPU tests run first: their per-class counts become the bundle's expected counts;
#   - JCuda's natives are repointed in Java (SonameRepoint) at cuDNN 9 / cuBLAS 13 / NVRTC 13;
#   - the bundle is then dry-run on the emulated CUDA 13 libraries (run-on-h200.sh).
# Other sonames, e.g. CUDA 12:
#   -Dgpu.bundle.repoint=libcudnn.so.8:libcudnn.so.9,libcublas.so.11:libcublas.so.12,libnvrtc.so.11.2:libnvrtc.so.12
# Then, on the device: backend-cudnn/target/gpu-bundle/run-on-h200.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -pl backend-cudnn -am verify -Dspotless.check.skip=true "$@"
du -sh backend-cudnn/target/gpu-bundle
