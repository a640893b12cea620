// The few ops cuDNN and cuBLAS do not have, compiled at run time with NVRTC (CudaKernels).
// Compiled with --fmad=false so that a * b + c rounds twice, as the ND4J backend and the
// reference do; none of these kernels is compute-bound.

#define GRID_STRIDE_LOOP(i, n) \
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)

extern "C" __global__ void fill_f32(float* x, int n, float value) {
  GRID_STRIDE_LOOP(i, n) { x[i] = value; }
}

extern "C" __global__ void multiply_f32(const float* a, const float* b, float* out, int n) {
  GRID_STRIDE_LOOP(i, n) { out[i] = a[i] * b[i]; }
}

// e^x for Activation.EXP (cuDNN has no exponential activation); its backward is multiply_f32.
extern "C" __global__ void exp_f32(const float* x, float* y, int n) {
  GRID_STRIDE_LOOP(i, n) { y[i] = expf(x[i]); }
}

// DropoutMask.draw bit for bit: Wellons' lowbias32 on 32-bit unsigned values, whose multiplies
// wrap and whose shifts are logical, exactly as Java's int * and >>>.
__device__ unsigned int lowbias32(unsigned int x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

// Inverted dropout of a [localBatch, localChannels, rest] tensor that is a slice of the whole
// layer output: the global index ((batchOffset + n) * totalChannels + channelOffset + c) * rest + r
// wraps modulo 2^32 as Java's int arithmetic does. mask gets scale or 0 for the backward pass.
extern "C" __global__ void dropout_forward(const float* x, float* y, float* mask, int size,
                                           int localChannels, int rest, int totalChannels,
                                           int channelOffset, int batchOffset, unsigned int key,
                                           int threshold, float scale) {
  GRID_STRIDE_LOOP(i, size) {
    int r = i % rest;
    int t = i / rest;
    int c = t % localChannels;
    int n = t / localChannels;
    unsigned int global =
        ((unsigned int)(batchOffset + n) * (unsigned int)totalChannels +
         (unsigned int)(channelOffset + c)) * (unsigned int)rest + (unsigned int)r;
    unsigned int draw = lowbias32(global ^ key) >> 8;
    float m = draw >= (unsigned int)threshold ? scale : 0.0f;
    mask[i] = m;
    y[i] = x[i] * m;
  }
}

// The paper's update in the ND4J backend's order: v *= momentum; v += -(wd * lr) * w;
// v += -lr * g; w += v.
extern "C" __global__ void sgd_update(float* w, const float* g, float* v, int n, float momentum,
                                      float minusDecayTimesRate, float minusRate) {
  GRID_STRIDE_LOOP(i, n) {
    float vi = v[i] * momentum;
    vi = vi + minusDecayTimesRate * w[i];
    vi = vi + minusRate * g[i];
    v[i] = vi;
    w[i] = w[i] + vi;
  }
}

// dL/dlogits = (p - onehot(label)) / N for a [batch, classes] softmax output.
extern "C" __global__ void cross_entropy_gradient(const float* p, const int* labels, float* grad,
                                                  int batch, int classes, float inverseBatch) {
  GRID_STRIDE_LOOP(i, batch * classes) {
    int n = i / classes;
    int c = i - n * classes;
    float target = c == labels[n] ? 1.0f : 0.0f;
    grad[i] = (p[i] - target) * inverseBatch;
  }
}

// out[n] = logp[n, labels[n]]: only N values go back to the host for the loss.
extern "C" __global__ void gather_labels(const float* logp, const int* labels, float* out,
                                         int batch, int classes) {
  GRID_STRIDE_LOOP(n, batch) { out[n] = logp[n * classes + labels[n]]; }
}
