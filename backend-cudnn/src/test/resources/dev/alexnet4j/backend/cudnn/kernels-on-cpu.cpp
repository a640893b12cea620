// Runs kernels.cu on the CPU, one "thread" that the grid-stride loops walk over every element, so
// that KernelsOnCpuTest can check the kernels' arithmetic bit for bit against the Java reference
// without a GPU. Compiled by the test with g++ -ffp-contract=off (kernels.cu is compiled for the
// GPU with --fmad=false: no fused multiply-adds either way).
//
// stdin: a mode name, its int/float parameters, then input arrays, floats as their bit patterns in
// hex. stdout: output arrays the same way.
#include <math.h>  // expf: an NVRTC builtin, a libm function here

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

struct Dim3 {
  unsigned int x;
};
static Dim3 blockIdx = {0}, threadIdx = {0}, blockDim = {1}, gridDim = {1};
#define __global__
#define __device__
#include "kernels.cu"

static float readFloat() {
  unsigned int bits;
  if (scanf("%x", &bits) != 1) throw 1;
  float f;
  memcpy(&f, &bits, 4);
  return f;
}
static std::vector<float> readFloats(int n) {
  std::vector<float> v(n);
  for (int i = 0; i < n; i++) v[i] = readFloat();
  return v;
}
static void write(const std::vector<float>& v) {
  for (float f : v) {
    unsigned int bits;
    memcpy(&bits, &f, 4);
    printf("%08x\n", bits);
  }
}

int main() {
  char mode[64];
  if (scanf("%63s", mode) != 1) return 2;
  if (!strcmp(mode, "dropout")) {
    int size, channels, rest, total, offset, batchOffset, threshold;
    unsigned int key;
    if (scanf("%d %d %d %d %d %d %x %d", &size, &channels, &rest, &total, &offset, &batchOffset,
              &key, &threshold) != 8)
      return 2;
    float scale = readFloat();
    std::vector<float> x = readFloats(size), y(size), mask(size);
    dropout_forward(x.data(), y.data(), mask.data(), size, channels, rest, total, offset,
                    batchOffset, key, threshold, scale);
    write(y);
    write(mask);
  } else if (!strcmp(mode, "sgd")) {
    int n;
    if (scanf("%d", &n) != 1) return 2;
    float momentum = readFloat(), decay = readFloat(), rate = readFloat();
    std::vector<float> w = readFloats(n), g = readFloats(n), v = readFloats(n);
    sgd_update(w.data(), g.data(), v.data(), n, momentum, decay, rate);
    write(w);
    write(v);
  } else if (!strcmp(mode, "xent")) {
    int batch, classes;
    if (scanf("%d %d", &batch, &classes) != 2) return 2;
    float inverse = readFloat();
    std::vector<float> p = readFloats(batch * classes), grad(batch * classes), picked(batch);
    std::vector<int> labels(batch);
    for (int n = 0; n < batch; n++)
      if (scanf("%d", &labels[n]) != 1) return 2;
    cross_entropy_gradient(p.data(), labels.data(), grad.data(), batch, classes, inverse);
    gather_labels(p.data(), labels.data(), picked.data(), batch, classes);
    write(grad);
    write(picked);
  } else {
    return 3;
  }
  return 0;
}
