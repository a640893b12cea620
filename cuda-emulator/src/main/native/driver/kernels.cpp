// kernels.cu (the path in EMU_KERNELS_CU) compiled as C++ under a small CUDA shim: threadIdx,
// blockIdx, blockDim and gridDim are per-host-thread dim3 values that the grid runner sets before
// each simulated GPU thread, and __global__ / __device__ are defined away. kernels.cu uses
// grid-stride loops and neither shared memory nor __syncthreads, so running the threads one after
// another computes what the GPU computes. (A kernel that used __shared__ or __syncthreads would not
// compile here: the shim leaves them undefined on purpose.)
#include "emu_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <thread>
#include <vector>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#ifndef EMU_KERNELS_CU
#error "EMU_KERNELS_CU (the path of kernels.cu, as a string literal) must be defined"
#endif

namespace emu_kernels {

struct dim3 {
  unsigned int x, y, z;
};

thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include EMU_KERNELS_CU
#pragma GCC diagnostic pop

#undef __global__
#undef __device__
#undef __host__
#undef __forceinline__
#undef __noinline__

}  // namespace emu_kernels

namespace {

template <typename T>
constexpr emu_param param_of() {
  if constexpr (std::is_pointer_v<T>) {
    return {EMU_PARAM_POINTER, sizeof(T)};
  } else if constexpr (std::is_same_v<T, int>) {
    return {EMU_PARAM_INT, sizeof(T)};
  } else if constexpr (std::is_same_v<T, unsigned int>) {
    return {EMU_PARAM_UINT, sizeof(T)};
  } else if constexpr (std::is_same_v<T, float>) {
    return {EMU_PARAM_FLOAT, sizeof(T)};
  } else if constexpr (std::is_same_v<T, long long> || std::is_same_v<T, long>) {
    return {EMU_PARAM_LONGLONG, sizeof(T)};
  } else if constexpr (std::is_same_v<T, unsigned long long> || std::is_same_v<T, unsigned long>) {
    return {EMU_PARAM_ULONGLONG, sizeof(T)};
  } else if constexpr (std::is_same_v<T, double>) {
    return {EMU_PARAM_DOUBLE, sizeof(T)};
  } else {
    static_assert(sizeof(T) == 0, "kernel parameter type the emulator does not know");
    return {EMU_PARAM_INT, 0};
  }
}

// The argument's value, read from where kernelParams[i] points (any alignment).
template <typename T>
T read_argument(const void* p) {
  T value;
  memcpy(&value, p, sizeof value);
  return value;
}

// Grids of at least this many blocks are shared among host threads.
constexpr unsigned long long kParallelBlocks = 256;

int host_threads() {
  static const int count = [] {
    int n = (int)std::thread::hardware_concurrency();
    if (const char* env = getenv("ALEXNET4J_CUDA_EMU_THREADS")) n = atoi(env);
    return std::max(1, std::min(n, 16));
  }();
  return count;
}

template <typename F>
struct Signature;

template <typename... Args>
struct Signature<void (*)(Args...)> {
  static constexpr int count = (int)sizeof...(Args);
  static inline const emu_param params[sizeof...(Args) + 1] = {
      param_of<std::decay_t<Args>>()..., emu_param{EMU_PARAM_INT, 0}};

  // Blocks [first, last) of the grid (linear index, x fastest), every thread of each, on the
  // calling host thread.
  template <void (*F)(Args...), size_t... I>
  static void run_blocks(const std::tuple<std::decay_t<Args>...>& args, emu_dims grid,
                         emu_dims block, unsigned long long first, unsigned long long last,
                         std::index_sequence<I...>) {
    using namespace emu_kernels;
    gridDim = {grid.x, grid.y, grid.z};
    blockDim = {block.x, block.y, block.z};
    for (unsigned long long b = first; b < last; b++) {
      blockIdx = {(unsigned)(b % grid.x), (unsigned)(b / grid.x % grid.y),
                  (unsigned)(b / grid.x / grid.y)};
      for (unsigned tz = 0; tz < block.z; tz++)
        for (unsigned ty = 0; ty < block.y; ty++)
          for (unsigned tx = 0; tx < block.x; tx++) {
            threadIdx = {tx, ty, tz};
            F(std::get<I>(args)...);
          }
    }
  }

  template <void (*F)(Args...)>
  static void run(void** kp, emu_dims grid, emu_dims block) {
    run_with<F>(kp, grid, block, std::index_sequence_for<Args...>{});
  }

  template <void (*F)(Args...), size_t... I>
  static void run_with(void** kp, emu_dims grid, emu_dims block, std::index_sequence<I...> seq) {
    const std::tuple<std::decay_t<Args>...> args{read_argument<std::decay_t<Args>>(kp[I])...};
    unsigned long long blocks = (unsigned long long)grid.x * grid.y * grid.z;
    int workers = blocks >= kParallelBlocks ? host_threads() : 1;
    if (workers <= 1) {
      run_blocks<F>(args, grid, block, 0, blocks, seq);
      return;
    }
    // GPU threads run concurrently and kernels.cu's never talk to each other, so shares of the
    // blocks run on host threads at once (a grid-stride loop over a power-of-two grid is slow on
    // one host core: its accesses all fall into the same cache sets).
    std::vector<std::thread> pool;
    unsigned long long start = 0;
    for (int w = 0; w < workers; w++) {
      unsigned long long end = blocks * (unsigned long long)(w + 1) / workers;
      try {
        pool.emplace_back([&args, grid, block, start, end, seq] {
          run_blocks<F>(args, grid, block, start, end, seq);
        });
      } catch (...) {  // no thread to be had: run this share here
        run_blocks<F>(args, grid, block, start, end, seq);
      }
      start = end;
    }
    for (std::thread& t : pool) t.join();
  }
};

#define EMU_KERNEL(f)                                                                      \
  emu_kernel {                                                                             \
    #f, Signature<decltype(&emu_kernels::f)>::count, Signature<decltype(&emu_kernels::f)>::params, \
        &Signature<decltype(&emu_kernels::f)>::run<&emu_kernels::f>                        \
  }

// Every __global__ function of kernels.cu. The driver checks at module load that this list and
// the source's entries agree, so a kernel added to kernels.cu but not here is reported, not lost.
const emu_kernel kKernels[] = {
    EMU_KERNEL(fill_f32),
    EMU_KERNEL(multiply_f32),
    EMU_KERNEL(exp_f32),
    EMU_KERNEL(dropout_forward),
    EMU_KERNEL(sgd_update),
    EMU_KERNEL(cross_entropy_gradient),
    EMU_KERNEL(gather_labels),
};

}  // namespace

const emu_kernel* emu_find_kernel(const char* name) {
  for (const emu_kernel& k : kKernels)
    if (strcmp(k.name, name) == 0) return &k;
  return nullptr;
}

const emu_kernel* emu_all_kernels(int* count) {
  *count = (int)(sizeof kKernels / sizeof kKernels[0]);
  return kKernels;
}

const char* emu_param_kind_name(emu_param_kind kind) {
  switch (kind) {
    case EMU_PARAM_POINTER: return "pointer";
    case EMU_PARAM_INT: return "int";
    case EMU_PARAM_UINT: return "unsigned int";
    case EMU_PARAM_FLOAT: return "float";
    case EMU_PARAM_LONGLONG: return "long long";
    case EMU_PARAM_ULONGLONG: return "unsigned long long";
    case EMU_PARAM_DOUBLE: return "double";
  }
  return "?";
}
