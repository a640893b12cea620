#!/usr/bin/env bash
# The main job: train alexnet-small on Fashion-MNIST on the CPU backend, then evaluate and predict
# with the checkpoint it wrote. Installs Debian's dataset-fashion-mnist when it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
data=/usr/share/datasets/fashion-mnist
if [ ! -f "$data/train-images-idx3-ubyte.gz" ]; then
  echo "installing Debian's dataset-fashion-mnist ..."
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dataset-fashion-mnist
fi
run="${RUN:-runs/fashion-mnist}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}"
bin/alexnet4j train --config examples/fashion-mnist.conf --out "$run" "$@"
checkpoint="$run/checkpoints/best.a4j"
[ -f "$checkpoint" ] || checkpoint="$(ls "$run"/checkpoints/checkpoint-*.a4j | tail -n 1)"
bin/alexnet4j eval --checkpoint "$checkpoint" --ten-crop
# What the network learned: conv1 kernels by tower (Figure 3), fc7 neighbours (Figure 4) with
# their retrieval precision@5 over 100 test images.
bin/alexnet4j filters --checkpoint "$checkpoint"
bin/alexnet4j filters --checkpoint "$checkpoint" --grey --out "$run/pictures/conv1-grey.png"
bin/alexnet4j similar --checkpoint "$checkpoint" --gallery "$data" --k 5 --evaluate 100
echo "charts: $run/charts/*.png   pictures: $run/pictures/   metrics: $run/metrics.jsonl   checkpoints: $run/checkpoints/"
