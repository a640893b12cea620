// The emulated NVRTC and driver together, as CudaKernels uses them: kernels.cu compiled to the
// emulator's image, loaded as a module, its kernels launched through a void** kernelParams array
// and checked against references; and what NVRTC and the driver refuse.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "emu_core.h"
#include "emu_cuda.h"
#include "emu_nvrtc.h"

// The same kernels.cu the libraries were built with: the Makefile's default KERNELS, relative to
// the directory the test is compiled in (src/test/native), unless EMU_KERNELS_CU is given.
#ifndef EMU_KERNELS_CU
#define EMU_KERNELS_CU "../../../../backend-cudnn/src/main/resources/dev/alexnet4j/backend/cudnn/kernels.cu"
#endif
#include "emu_embed_kernels_cu.h"

static int failures = 0;
#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                       \
    }                                                                   \
  } while (0)

static std::string kernels_cu() { return std::string(emu_kernels_cu_begin, emu_kernels_cu_end); }

static float* dalloc(int device, size_t floats) {
  emu_status s;
  return (float*)emu_device_alloc(device, floats * sizeof(float), &s);
}

static std::string log_of(nvrtcProgram p) {
  size_t size = 0;
  CHECK(nvrtcGetProgramLogSize(p, &size) == NVRTC_SUCCESS);
  std::string log(size, '\0');
  CHECK(nvrtcGetProgramLog(p, &log[0]) == NVRTC_SUCCESS);
  log.resize(size ? size - 1 : 0);
  return log;
}

static nvrtcResult compile(const std::string& source, std::vector<const char*> options,
                           std::string* ptx, std::string* log) {
  nvrtcProgram p = nullptr;
  CHECK(nvrtcCreateProgram(&p, source.c_str(), "kernels.cu", 0, nullptr, nullptr) == NVRTC_SUCCESS);
  nvrtcResult r = nvrtcCompileProgram(p, (int)options.size(), options.data());
  if (log) *log = log_of(p);
  if (r == NVRTC_SUCCESS && ptx) {
    size_t size = 0;
    CHECK(nvrtcGetPTXSize(p, &size) == NVRTC_SUCCESS && size > 1);
    ptx->assign(size, '\0');
    CHECK(nvrtcGetPTX(p, &(*ptx)[0]) == NVRTC_SUCCESS);
    CHECK((*ptx)[size - 1] == '\0');
    ptx->resize(size - 1);
  }
  CHECK(nvrtcDestroyProgram(&p) == NVRTC_SUCCESS && p == nullptr);
  return r;
}

// The cubin of a compile (nvrtcGetCUBINSize/nvrtcGetCUBIN, as CudaCalls.compileToCubin asks);
// "" when NVRTC has none (a virtual architecture).
static std::string cubin_of(const std::vector<const char*>& options) {
  nvrtcProgram p = nullptr;
  CHECK(nvrtcCreateProgram(&p, kernels_cu().c_str(), "kernels.cu", 0, nullptr, nullptr) ==
        NVRTC_SUCCESS);
  CHECK(nvrtcCompileProgram(p, (int)options.size(), options.data()) == NVRTC_SUCCESS);
  size_t size = 1;
  CHECK(nvrtcGetCUBINSize(p, &size) == NVRTC_SUCCESS);
  std::string cubin(size, '\0');
  if (size > 0) {
    CHECK(nvrtcGetCUBIN(p, &cubin[0]) == NVRTC_SUCCESS);
    CHECK(cubin[size - 1] == '\0');
  } else {
    char none[1];
    CHECK(nvrtcGetCUBIN(p, none) == NVRTC_ERROR_INVALID_INPUT);
  }
  CHECK(nvrtcDestroyProgram(&p) == NVRTC_SUCCESS);
  return cubin;
}

static unsigned lowbias32(unsigned x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

static void test_nvrtc() {
  int major = 0, minor = 0, count = 0;
  CHECK(nvrtcVersion(&major, &minor) == NVRTC_SUCCESS && major == 11 && minor == 7);
  CHECK(nvrtcGetNumSupportedArchs(&count) == NVRTC_SUCCESS && count > 0);
  std::vector<int> archs(count);
  CHECK(nvrtcGetSupportedArchs(archs.data()) == NVRTC_SUCCESS && archs.back() == 87);
  CHECK(strcmp(nvrtcGetErrorString(NVRTC_ERROR_COMPILATION), "NVRTC_ERROR_COMPILATION") == 0);

  std::string ptx, log;
  CHECK(compile(kernels_cu(), {"--gpu-architecture=compute_86", "--fmad=false"}, &ptx, &log) ==
        NVRTC_SUCCESS);
  CHECK(log.empty());
  CHECK(ptx.find(".entry dropout_forward\n") != std::string::npos);
  CHECK(ptx.find(".target compute_86\n") != std::string::npos);
  CHECK(compile(kernels_cu(), {"-arch", "compute_80"}, nullptr, nullptr) == NVRTC_SUCCESS);
  CHECK(compile(kernels_cu(), {"-arch=sm_75", "-lineinfo", "--std=c++17"}, nullptr, nullptr) ==
        NVRTC_SUCCESS);
  CHECK(compile(kernels_cu(), {}, nullptr, nullptr) == NVRTC_SUCCESS);

  // A cubin only for a real architecture, recording it; PTX is there either way.
  std::string cubin = cubin_of({"--gpu-architecture=sm_80", "--fmad=false"});
  CHECK(cubin.find(".target sm_80\n") != std::string::npos);
  CHECK(cubin.find(".entry fill_f32\n") != std::string::npos);
  CHECK(compile(kernels_cu(), {"-arch", "sm_86"}, &ptx, nullptr) == NVRTC_SUCCESS);
  CHECK(ptx.find(".target compute_86\n") != std::string::npos);
  CHECK(cubin_of({"--gpu-architecture=compute_80"}).empty());
  CHECK(cubin_of({}).empty());  // NVRTC's default, compute_52, is virtual
  CHECK(compile(kernels_cu(), {"--gpu-architecture=sm_90"}, nullptr, &log) ==
        NVRTC_ERROR_INVALID_OPTION);  // newer than NVRTC 11.7

  CHECK(compile(kernels_cu(), {"--gpu-architecture=compute_99"}, nullptr, &log) ==
        NVRTC_ERROR_INVALID_OPTION);
  CHECK(log.find("compute_99") != std::string::npos);
  CHECK(compile(kernels_cu(), {"--fmad=maybe"}, nullptr, &log) == NVRTC_ERROR_INVALID_OPTION);
  CHECK(compile(kernels_cu(), {"--no-such-option"}, nullptr, &log) == NVRTC_ERROR_INVALID_OPTION);
  CHECK(log.find("--no-such-option") != std::string::npos);
  CHECK(compile(kernels_cu(), {"-arch"}, nullptr, &log) == NVRTC_ERROR_INVALID_OPTION);
  CHECK(compile(kernels_cu(), {"-DX=1"}, nullptr, &log) == NVRTC_ERROR_INVALID_OPTION);

  std::string other = kernels_cu();
  other[other.size() / 2] ^= 1;
  CHECK(compile(other, {"--fmad=false"}, nullptr, &log) == NVRTC_ERROR_COMPILATION);
  CHECK(log.find("cannot compile CUDA") != std::string::npos);
  CHECK(compile("extern \"C\" __global__ void k() {}", {}, nullptr, &log) == NVRTC_ERROR_COMPILATION);

  nvrtcProgram p = nullptr;
  CHECK(nvrtcCreateProgram(&p, nullptr, "x", 0, nullptr, nullptr) == NVRTC_ERROR_INVALID_INPUT);
  CHECK(nvrtcCreateProgram(&p, "x", "x", 0, nullptr, nullptr) == NVRTC_SUCCESS);
  size_t size = 0;
  CHECK(nvrtcGetPTXSize(p, &size) == NVRTC_ERROR_INVALID_PROGRAM);  // not compiled
  CHECK(nvrtcGetCUBINSize(p, &size) == NVRTC_ERROR_INVALID_PROGRAM);
  CHECK(nvrtcCompileProgram(p, 1, nullptr) == NVRTC_ERROR_INVALID_INPUT);
  nvrtcProgram copy = p;
  CHECK(nvrtcDestroyProgram(&p) == NVRTC_SUCCESS);
  CHECK(nvrtcDestroyProgram(&copy) == NVRTC_ERROR_INVALID_PROGRAM);
  CHECK(nvrtcCompileProgram(copy, 0, nullptr) == NVRTC_ERROR_INVALID_PROGRAM);
}

// cuLaunchKernel as JCuda hands it over: kernelParams[i] points at argument i's value.
struct Params {
  std::vector<std::vector<unsigned char>> values;
  std::vector<void*> pointers;
  template <typename T>
  Params& add(T v) {
    values.emplace_back(sizeof v);
    memcpy(values.back().data(), &v, sizeof v);
    return *this;
  }
  void** get() {
    pointers.clear();
    for (auto& v : values) pointers.push_back(v.data());
    return pointers.data();
  }
};

static CUresult launch(CUfunction f, unsigned grid, unsigned block, Params& p, CUstream s = nullptr) {
  return cuLaunchKernel(f, grid, 1, 1, block, 1, 1, 0, s, p.get(), nullptr);
}

static void test_driver() {
  std::string ptx;
  CHECK(compile(kernels_cu(), {"--gpu-architecture=compute_86", "--fmad=false"}, &ptx, nullptr) ==
        NVRTC_SUCCESS);
  CUmodule m = nullptr;
  CHECK(cuModuleLoadData(&m, ptx.c_str()) == CUDA_ERROR_NOT_INITIALIZED);
  CHECK(cuInit(1) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuInit(0) == CUDA_SUCCESS);
  int version = 0;
  CHECK(cuDriverGetVersion(&version) == CUDA_SUCCESS && version == 11070);

  // Images the emulator cannot run.
  CHECK(cuModuleLoadData(&m, "//\n// Generated by NVIDIA NVVM Compiler\n.version 7.7\n.target sm_86\n") ==
        CUDA_ERROR_INVALID_IMAGE);
  const unsigned char elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  CHECK(cuModuleLoadData(&m, elf) == CUDA_ERROR_INVALID_IMAGE);
  std::string tampered = ptx;
  size_t at = tampered.find("fnv1a64:") + 8;
  tampered[at] = tampered[at] == '0' ? '1' : '0';
  CHECK(cuModuleLoadData(&m, tampered.c_str()) == CUDA_ERROR_INVALID_IMAGE);
  std::string unknown = ptx;
  unknown.insert(unknown.find(".end\n"), ".entry not_a_kernel\n");
  CHECK(cuModuleLoadData(&m, unknown.c_str()) == CUDA_ERROR_INVALID_IMAGE);
  CHECK(cuModuleLoadData(&m, ptx.substr(0, ptx.size() / 2).c_str()) == CUDA_ERROR_INVALID_IMAGE);
  CHECK(cuModuleLoadData(nullptr, ptx.c_str()) == CUDA_ERROR_INVALID_VALUE);

  // A cubin loads only where its binary runs: the emulated devices are compute 8.0.
  CHECK(emu_device_compute_capability(0) == 80 && emu_device_compute_capability(99) == -1);
  for (const char* arch : {"sm_86", "sm_75", "sm_70", "sm_87"}) {
    std::string other_sm = cubin_of({"-arch", arch});
    CHECK(cuModuleLoadData(&m, other_sm.data()) == CUDA_ERROR_NO_BINARY_FOR_GPU);
  }
  std::string sm90 = cubin_of({"-arch=sm_80"});  // as a newer NVRTC would make for an H100
  sm90.replace(sm90.find(".target sm_80"), 13, ".target sm_90");
  CHECK(cuModuleLoadData(&m, sm90.data()) == CUDA_ERROR_NO_BINARY_FOR_GPU);
  std::string sm80 = cubin_of({"-arch=sm_80", "--fmad=false"});
  CHECK(cuModuleLoadData(&m, sm80.data()) == CUDA_SUCCESS);
  CUfunction from_cubin;
  CHECK(cuModuleGetFunction(&from_cubin, m, "fill_f32") == CUDA_SUCCESS);
  CHECK(cuModuleUnload(m) == CUDA_SUCCESS);

  CHECK(cuModuleLoadData(&m, ptx.c_str()) == CUDA_SUCCESS);
  CUfunction fill, multiply, dropout, sgd, xent, gather, again, none;
  CHECK(cuModuleGetFunction(&fill, m, "fill_f32") == CUDA_SUCCESS);
  CHECK(cuModuleGetFunction(&again, m, "fill_f32") == CUDA_SUCCESS && again == fill);
  CHECK(cuModuleGetFunction(&multiply, m, "multiply_f32") == CUDA_SUCCESS);
  CHECK(cuModuleGetFunction(&dropout, m, "dropout_forward") == CUDA_SUCCESS);
  CHECK(cuModuleGetFunction(&sgd, m, "sgd_update") == CUDA_SUCCESS);
  CHECK(cuModuleGetFunction(&xent, m, "cross_entropy_gradient") == CUDA_SUCCESS);
  CHECK(cuModuleGetFunction(&gather, m, "gather_labels") == CUDA_SUCCESS);
  CHECK(cuModuleGetFunction(&none, m, "no_such_kernel") == CUDA_ERROR_NOT_FOUND);
  CHECK(cuModuleGetFunction(&none, (CUmodule)&version, "fill_f32") == CUDA_ERROR_INVALID_HANDLE);

  const int n = 1000;
  float *x = dalloc(0, n), *y = dalloc(0, n), *z = dalloc(0, n);
  emu_stream* s0 = emu_stream_create(0);

  // fill_f32(float* x, int n, float value): 3 blocks of 64 threads walk 1000 elements.
  Params p;
  p.add(x).add(n).add(2.5f);
  CHECK(launch(fill, 3, 64, p, s0) == CUDA_SUCCESS);
  bool ok = true;
  for (int i = 0; i < n; i++) ok = ok && x[i] == 2.5f;
  CHECK(ok);
  Params p_short;  // only the first 999 elements
  p_short.add(y).add(n - 1).add(-1.0f);
  CHECK(launch(fill, 1, 256, p_short) == CUDA_SUCCESS);
  CHECK(y[0] == -1.0f && y[n - 2] == -1.0f && y[n - 1] == 0.0f);

  // multiply_f32(a, b, out, n)
  for (int i = 0; i < n; i++) y[i] = (float)i;
  Params pm;
  pm.add((const float*)x).add((const float*)y).add(z).add(n);
  CHECK(launch(multiply, 4, 256, pm, CU_STREAM_LEGACY) == CUDA_SUCCESS);
  ok = true;
  for (int i = 0; i < n; i++) ok = ok && z[i] == 2.5f * (float)i;
  CHECK(ok);

  // dropout_forward over [2, 5, 100] as channels 3..8 of 10, batch offset 4.
  {
    float* mask = dalloc(0, n);
    int channels = 5, rest = 100, total = 10, coff = 3, boff = 4, threshold = 6000000;
    unsigned key = 0x9e3779b9u;
    float scale = 2.0f;
    Params pd;
    pd.add((const float*)y).add(z).add(mask).add(n).add(channels).add(rest).add(total).add(coff)
        .add(boff).add(key).add(threshold).add(scale);
    CHECK(launch(dropout, 2, 128, pd) == CUDA_SUCCESS);
    ok = true;
    int dropped = 0;
    for (int i = 0; i < n; i++) {
      int r = i % rest, t = i / rest, c = t % channels, b = t / channels;
      unsigned global = ((unsigned)(boff + b) * (unsigned)total + (unsigned)(coff + c)) * (unsigned)rest + (unsigned)r;
      float m = (lowbias32(global ^ key) >> 8) >= (unsigned)threshold ? scale : 0.0f;
      dropped += m == 0.0f;
      ok = ok && mask[i] == m && z[i] == y[i] * m;
    }
    CHECK(ok);
    CHECK(dropped > 0 && dropped < n);
    emu_device_free(mask);
  }

  // sgd_update(w, g, v, n, momentum, -decay*rate, -rate)
  {
    std::vector<float> w0(n), g0(n), v0(n);
    for (int i = 0; i < n; i++) {
      w0[i] = x[i] = 0.01f * i;
      g0[i] = y[i] = 0.5f - 0.001f * i;
      v0[i] = z[i] = 0.1f;
    }
    Params ps;
    ps.add(x).add((const float*)y).add(z).add(n).add(0.9f).add(-0.0005f * 0.01f).add(-0.01f);
    CHECK(launch(sgd, 1, 32, ps) == CUDA_SUCCESS);
    ok = true;
    for (int i = 0; i < n; i++) {
      float vi = v0[i] * 0.9f;
      vi = vi + (-0.0005f * 0.01f) * w0[i];
      vi = vi + -0.01f * g0[i];
      ok = ok && z[i] == vi && x[i] == w0[i] + vi;
    }
    CHECK(ok);
  }

  // cross_entropy_gradient and gather_labels on [4, 10].
  {
    const int batch = 4, classes = 10;
    emu_status st;
    int* labels = (int*)emu_device_alloc(0, batch * sizeof(int), &st);
    for (int b = 0; b < batch; b++) labels[b] = (3 * b + 1) % classes;
    for (int i = 0; i < batch * classes; i++) x[i] = 0.1f;
    Params px;
    px.add((const float*)x).add((const int*)labels).add(y).add(batch).add(classes).add(0.25f);
    CHECK(launch(xent, 1, 256, px) == CUDA_SUCCESS);
    CHECK(y[1] == (0.1f - 1.0f) * 0.25f && y[0] == 0.1f * 0.25f);
    for (int i = 0; i < batch * classes; i++) x[i] = (float)i;
    Params pg;
    pg.add((const float*)x).add((const int*)labels).add(z).add(batch).add(classes);
    CHECK(launch(gather, 1, 256, pg) == CUDA_SUCCESS);
    CHECK(z[0] == 1.0f && z[1] == 14.0f && z[3] == 30.0f);
    emu_device_free(labels);
  }

  // A grid big enough to be shared among host threads (and a 3-D one): every element once.
  {
    const int big = 4096 * 256 * 2 + 5;
    float* b = dalloc(0, big);
    Params pb;
    pb.add(b).add(big).add(4.0f);
    CHECK(launch(fill, 4096, 256, pb) == CUDA_SUCCESS);
    Params pm2;
    pm2.add((const float*)b).add((const float*)b).add(b).add(big);
    CHECK(cuLaunchKernel(multiply, 1000, 1, 1, 128, 1, 1, 0, nullptr, pm2.get(), nullptr) == CUDA_SUCCESS);
    bool all = true;
    for (int i = 0; i < big; i++) all = all && b[i] == 16.0f;
    CHECK(all);
    CHECK(cuLaunchKernel(fill, 3, 2, 2, 32, 2, 1, 0, nullptr, pb.get(), nullptr) == CUDA_SUCCESS);
    CHECK(b[0] == 4.0f && b[big - 1] == 4.0f);
    emu_device_free(b);
  }

  // Refusals.
  Params good;
  good.add(x).add(n).add(1.0f);
  CHECK(cuLaunchKernel(fill, 1, 1, 1, 1025, 1, 1, 0, nullptr, good.get(), nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuLaunchKernel(fill, 1, 1, 1, 32, 32, 2, 0, nullptr, good.get(), nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuLaunchKernel(fill, 0, 1, 1, 32, 1, 1, 0, nullptr, good.get(), nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuLaunchKernel(fill, 0x80000000u, 1, 1, 32, 1, 1, 0, nullptr, good.get(), nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuLaunchKernel(fill, 1, 65536, 1, 32, 1, 1, 0, nullptr, good.get(), nullptr) == CUDA_ERROR_INVALID_VALUE);
  void* extra[] = {nullptr};
  CHECK(cuLaunchKernel(fill, 1, 1, 1, 32, 1, 1, 0, nullptr, good.get(), extra) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuLaunchKernel(fill, 1, 1, 1, 32, 1, 1, 0, nullptr, nullptr, nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuLaunchKernel(nullptr, 1, 1, 1, 32, 1, 1, 0, nullptr, good.get(), nullptr) == CUDA_ERROR_INVALID_HANDLE);

  float* other = dalloc(1, n);
  float host[4];
  Params p_other, p_host, p_null;
  p_other.add(other).add(n).add(1.0f);
  p_host.add(&host[0]).add(4).add(1.0f);
  p_null.add((float*)nullptr).add(0).add(1.0f);
  CHECK(launch(fill, 1, 32, p_other) == CUDA_ERROR_ILLEGAL_ADDRESS);
  CHECK(launch(fill, 1, 32, p_host) == CUDA_ERROR_ILLEGAL_ADDRESS);
  CHECK(launch(fill, 1, 32, p_null) == CUDA_ERROR_ILLEGAL_ADDRESS);
  CHECK(other[0] == 0.0f);
  CHECK(emu_enable_peer(0, 1) == 0);
  CHECK(launch(fill, 1, 32, p_other) == CUDA_SUCCESS && other[n - 1] == 1.0f);  // peer access
  emu_device_free(other);
  CHECK(launch(fill, 1, 32, p_other) == CUDA_ERROR_ILLEGAL_ADDRESS);  // freed

  emu_stream* s1 = emu_stream_create(1);
  emu_stream* gone = emu_stream_create(0);
  emu_stream_destroy(gone);
  CHECK(launch(fill, 1, 32, good, s1) == CUDA_ERROR_INVALID_HANDLE);    // another device's stream
  CHECK(launch(fill, 1, 32, good, gone) == CUDA_ERROR_INVALID_HANDLE);  // destroyed stream

  // A module belongs to the device current when it was loaded.
  emu_set_current_device(1);
  CHECK(launch(fill, 1, 32, good) == CUDA_ERROR_INVALID_HANDLE);
  CUmodule m1 = nullptr;
  CUfunction fill1;
  float* x1 = dalloc(1, 10);
  CHECK(cuModuleLoadData(&m1, ptx.c_str()) == CUDA_SUCCESS);
  CHECK(cuModuleGetFunction(&fill1, m1, "fill_f32") == CUDA_SUCCESS && fill1 != fill);
  Params p1;
  p1.add(x1).add(10).add(7.0f);
  CHECK(launch(fill1, 1, 32, p1, s1) == CUDA_SUCCESS && x1[9] == 7.0f);
  CHECK(launch(fill1, 1, 32, good, s1) == CUDA_ERROR_ILLEGAL_ADDRESS);  // device 0 memory, no peer
  CHECK(cuModuleUnload(m1) == CUDA_SUCCESS);
  emu_set_current_device(0);
  emu_device_free(x1);

  CHECK(cuModuleUnload(m) == CUDA_SUCCESS);
  CHECK(cuModuleUnload(m) == CUDA_ERROR_INVALID_HANDLE);
  CHECK(launch(fill, 1, 32, good) == CUDA_ERROR_INVALID_HANDLE);  // function of an unloaded module
  CHECK(cuModuleGetFunction(&none, m, "fill_f32") == CUDA_ERROR_INVALID_HANDLE);

  const char* s = nullptr;
  CHECK(cuGetErrorName(CUDA_ERROR_ILLEGAL_ADDRESS, &s) == CUDA_SUCCESS &&
        strcmp(s, "CUDA_ERROR_ILLEGAL_ADDRESS") == 0);
  emu_stream_destroy(s0);
  emu_stream_destroy(s1);
  emu_device_free(x);
  emu_device_free(y);
  emu_device_free(z);
}

int main() {
  test_nvrtc();
  test_driver();
  if (failures) {
    fprintf(stderr, "driver_test: %d failure(s)\n", failures);
    return 1;
  }
  printf("driver_test: all passed\n");
  return 0;
}
