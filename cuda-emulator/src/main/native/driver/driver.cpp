// The emulated CUDA driver API (libcuda.so.1): initialisation, modules made by the emulated NVRTC,
// and kernel launches that run kernels.cu's kernels (compiled in, kernels.cpp) on the host,
// synchronously. The context of every call is the current device's primary context, as the runtime
// API sets it; a module belongs to the device that was current when it was loaded.
#include <atomic>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "../nvrtc/emu_embed_kernels_cu.h"
#include "../nvrtc/emu_image.h"
#include "emu_core.h"
#include "emu_cuda.h"
#include "emu_kernels.h"

static const char* const LIB = "driver";
static const char* const MODULE_KIND = "CUmodule";
static const char* const FUNCTION_KIND = "CUfunction";

struct emu_cu_function {
  struct emu_cu_module* module;
  const emu_kernel* kernel;
  int device;
};

struct emu_cu_module {
  int device;
  std::string program;
  std::vector<std::string> entries;
  std::map<std::string, emu_cu_function*> functions;  // made on first cuModuleGetFunction
};

namespace {

std::atomic<bool> initialized{false};
std::mutex modules_mutex;  // guards each module's function map

CUresult not_initialized(const char* fn) {
  emu_log(LIB, "%s: cuInit has not been called", fn);
  return CUDA_ERROR_NOT_INITIALIZED;
}

const char* kernels_source() { return emu_kernels_cu_begin; }
size_t kernels_size() { return (size_t)(emu_kernels_cu_end - emu_kernels_cu_begin); }

// "" when the compiled-in kernel table and kernels.cu's __global__ functions agree.
const std::string& table_mismatch() {
  static const std::string mismatch = [] {
    std::vector<std::string> source = emu_image::kernel_entries(kernels_source(), kernels_size());
    int count = 0;
    const emu_kernel* table = emu_all_kernels(&count);
    std::string m;
    for (const std::string& e : source)
      if (emu_find_kernel(e.c_str()) == nullptr) m += " " + e + " (in kernels.cu, not in the table)";
    for (int i = 0; i < count; i++) {
      bool found = false;
      for (const std::string& e : source) found = found || e == table[i].name;
      if (!found) m += std::string(" ") + table[i].name + " (in the table, not in kernels.cu)";
    }
    return m;
  }();
  return mismatch;
}

// The value of the image line that starts with `key ` ("" when absent).
std::string field(const std::string& image, const std::string& key) {
  std::istringstream in(image);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size() + 1, key + " ") == 0) return line.substr(key.size() + 1);
  }
  return "";
}

// 0 when a module with this `.target` can run on `device`. PTX (compute_XY) is JIT-compiled by
// the driver and always accepted here; a cubin (sm_XY) runs only on the same major compute
// capability with a minor no lower than its own (CUDA's binary compatibility), else
// CUDA_ERROR_NO_BINARY_FOR_GPU, as a real driver answers.
CUresult check_target(const std::string& target, int device) {
  int arch = 0;
  char rest = 0;
  if (sscanf(target.c_str(), "sm_%d%c", &arch, &rest) != 1) return CUDA_SUCCESS;
  int capability = emu_device_compute_capability(device);
  if (arch / 10 == capability / 10 && arch % 10 <= capability % 10) return CUDA_SUCCESS;
  emu_log(LIB,
          "cuModuleLoadData: the cubin is for %s, device %d has compute capability %d.%d "
          "(a cubin runs only on the same major version and a minor at least its own)",
          target.c_str(), device, capability / 10, capability % 10);
  return CUDA_ERROR_NO_BINARY_FOR_GPU;
}

CUresult refuse_image(const char* why) {
  emu_log(LIB, "cuModuleLoadData: %s", why);
  return CUDA_ERROR_INVALID_IMAGE;
}

bool is_default_stream(CUstream s) {
  return s == nullptr || s == CU_STREAM_LEGACY || s == CU_STREAM_PER_THREAD;
}

}  // namespace

extern "C" {

EMU_EXPORT CUresult cuInit(unsigned int flags) {
  if (flags != 0) {
    emu_log(LIB, "cuInit: flags must be 0, not %u", flags);
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (emu_device_count() == 0) {
    emu_log(LIB, "cuInit: the emulator has no devices (ALEXNET4J_CUDA_EMU_DEVICES=0)");
    return CUDA_ERROR_NO_DEVICE;
  }
  initialized = true;
  return CUDA_SUCCESS;
}

EMU_EXPORT CUresult cuDriverGetVersion(int* driverVersion) {
  if (driverVersion == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *driverVersion = EMU_CUDA_DRIVER_VERSION;
  return CUDA_SUCCESS;
}

EMU_EXPORT CUresult cuGetErrorName(CUresult error, const char** pStr) {
  if (pStr == nullptr) return CUDA_ERROR_INVALID_VALUE;
  switch (error) {
#define NAME(e) \
  case e: *pStr = #e; return CUDA_SUCCESS;
    NAME(CUDA_SUCCESS)
    NAME(CUDA_ERROR_INVALID_VALUE)
    NAME(CUDA_ERROR_OUT_OF_MEMORY)
    NAME(CUDA_ERROR_NOT_INITIALIZED)
    NAME(CUDA_ERROR_DEINITIALIZED)
    NAME(CUDA_ERROR_NO_DEVICE)
    NAME(CUDA_ERROR_INVALID_DEVICE)
    NAME(CUDA_ERROR_INVALID_IMAGE)
    NAME(CUDA_ERROR_INVALID_CONTEXT)
    NAME(CUDA_ERROR_NO_BINARY_FOR_GPU)
    NAME(CUDA_ERROR_INVALID_PTX)
    NAME(CUDA_ERROR_INVALID_SOURCE)
    NAME(CUDA_ERROR_FILE_NOT_FOUND)
    NAME(CUDA_ERROR_INVALID_HANDLE)
    NAME(CUDA_ERROR_NOT_FOUND)
    NAME(CUDA_ERROR_NOT_READY)
    NAME(CUDA_ERROR_ILLEGAL_ADDRESS)
    NAME(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES)
    NAME(CUDA_ERROR_LAUNCH_FAILED)
    NAME(CUDA_ERROR_NOT_SUPPORTED)
    NAME(CUDA_ERROR_UNKNOWN)
#undef NAME
  }
  *pStr = nullptr;
  return CUDA_ERROR_INVALID_VALUE;
}

EMU_EXPORT CUresult cuGetErrorString(CUresult error, const char** pStr) {
  if (pStr == nullptr) return CUDA_ERROR_INVALID_VALUE;
  const char* s = nullptr;
  switch (error) {
    case CUDA_SUCCESS: s = "no error"; break;
    case CUDA_ERROR_INVALID_VALUE: s = "invalid argument"; break;
    case CUDA_ERROR_OUT_OF_MEMORY: s = "out of memory"; break;
    case CUDA_ERROR_NOT_INITIALIZED: s = "initialization error"; break;
    case CUDA_ERROR_DEINITIALIZED: s = "driver shutting down"; break;
    case CUDA_ERROR_NO_DEVICE: s = "no CUDA-capable device is detected"; break;
    case CUDA_ERROR_INVALID_DEVICE: s = "invalid device ordinal"; break;
    case CUDA_ERROR_INVALID_IMAGE: s = "device kernel image is invalid"; break;
    case CUDA_ERROR_INVALID_CONTEXT: s = "invalid device context"; break;
    case CUDA_ERROR_NO_BINARY_FOR_GPU: s = "no kernel image is available for execution on the device"; break;
    case CUDA_ERROR_INVALID_PTX: s = "a PTX JIT compilation failed"; break;
    case CUDA_ERROR_INVALID_SOURCE: s = "device kernel image is invalid"; break;
    case CUDA_ERROR_FILE_NOT_FOUND: s = "file not found"; break;
    case CUDA_ERROR_INVALID_HANDLE: s = "invalid resource handle"; break;
    case CUDA_ERROR_NOT_FOUND: s = "named symbol not found"; break;
    case CUDA_ERROR_NOT_READY: s = "device not ready"; break;
    case CUDA_ERROR_ILLEGAL_ADDRESS: s = "an illegal memory access was encountered"; break;
    case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES: s = "too many resources requested for launch"; break;
    case CUDA_ERROR_LAUNCH_FAILED: s = "unspecified launch failure"; break;
    case CUDA_ERROR_NOT_SUPPORTED: s = "operation not supported"; break;
    case CUDA_ERROR_UNKNOWN: s = "unknown error"; break;
  }
  *pStr = s;
  return s != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

EMU_EXPORT CUresult cuModuleLoadData(CUmodule* module, const void* image) {
  if (!initialized) return not_initialized("cuModuleLoadData");
  if (module == nullptr || image == nullptr) {
    emu_log(LIB, "cuModuleLoadData: %s is NULL", module == nullptr ? "module" : "image");
    return CUDA_ERROR_INVALID_VALUE;
  }
  int device = emu_current_device();
  if (!emu_device_valid(device)) {
    emu_log(LIB, "cuModuleLoadData: current device %d does not exist", device);
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  const char* text = static_cast<const char*>(image);
  if (strncmp(text, EMU_IMAGE_MAGIC "\n", strlen(EMU_IMAGE_MAGIC) + 1) != 0) {
    return refuse_image(
        "not an image made by the alexnet4j CUDA emulator's NVRTC; the emulator cannot run PTX, "
        "cubins or fatbinaries, only the kernels.cu compiled into its libcuda.so.1");
  }
  std::string img(text);
  if (img.size() < 5 || img.compare(img.size() - 5, 5, ".end\n") != 0) {
    return refuse_image("the emulator image is truncated (no .end line)");
  }
  CUresult target = check_target(field(img, ".target"), device);
  if (target != CUDA_SUCCESS) return target;
  std::string ours = "fnv1a64:" +
                     emu_image::hex64(emu_image::fnv1a64(kernels_source(), kernels_size())) +
                     " bytes:" + std::to_string(kernels_size());
  std::string theirs = field(img, ".source");
  if (theirs != ours) {
    std::string why = "the image was made from a different kernels.cu (" + theirs +
                      ") than this libcuda.so.1 was built with (" EMU_KERNELS_CU ", " + ours + ")";
    return refuse_image(why.c_str());
  }
  if (!table_mismatch().empty()) {
    std::string why = "libcuda.so.1's kernel table (driver/kernels.cpp) does not match kernels.cu:" +
                      table_mismatch();
    return refuse_image(why.c_str());
  }
  emu_cu_module* m = new (std::nothrow) emu_cu_module();
  if (m == nullptr) return CUDA_ERROR_OUT_OF_MEMORY;
  m->device = device;
  m->program = field(img, ".program");
  std::istringstream in(img);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, 7, ".entry ") != 0) continue;
    std::string name = line.substr(7);
    if (emu_find_kernel(name.c_str()) == nullptr) {
      delete m;
      std::string why = "the image names an entry " + name + " that libcuda.so.1 does not have";
      return refuse_image(why.c_str());
    }
    m->entries.push_back(name);
  }
  emu_handle_add(MODULE_KIND, m, device);
  *module = m;
  return CUDA_SUCCESS;
}

EMU_EXPORT CUresult cuModuleGetFunction(CUfunction* hfunc, CUmodule hmod, const char* name) {
  if (!initialized) return not_initialized("cuModuleGetFunction");
  if (hfunc == nullptr || name == nullptr) {
    emu_log(LIB, "cuModuleGetFunction: %s is NULL", hfunc == nullptr ? "hfunc" : "name");
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (hmod == nullptr || !emu_handle_live(MODULE_KIND, hmod, nullptr)) {
    emu_log(LIB, "cuModuleGetFunction(%s): %p is not a loaded module", name, (void*)hmod);
    return CUDA_ERROR_INVALID_HANDLE;
  }
  std::lock_guard<std::mutex> lock(modules_mutex);
  auto it = hmod->functions.find(name);
  if (it != hmod->functions.end()) {
    *hfunc = it->second;
    return CUDA_SUCCESS;
  }
  bool listed = false;
  for (const std::string& e : hmod->entries) listed = listed || e == name;
  const emu_kernel* kernel = listed ? emu_find_kernel(name) : nullptr;
  if (kernel == nullptr) {
    emu_log(LIB, "cuModuleGetFunction: module %s has no kernel named '%s'", hmod->program.c_str(),
            name);
    return CUDA_ERROR_NOT_FOUND;
  }
  emu_cu_function* f = new (std::nothrow) emu_cu_function{hmod, kernel, hmod->device};
  if (f == nullptr) return CUDA_ERROR_OUT_OF_MEMORY;
  hmod->functions[name] = f;
  emu_handle_add(FUNCTION_KIND, f, hmod->device);
  *hfunc = f;
  return CUDA_SUCCESS;
}

EMU_EXPORT CUresult cuModuleUnload(CUmodule hmod) {
  if (!initialized) return not_initialized("cuModuleUnload");
  if (hmod == nullptr || emu_handle_remove(MODULE_KIND, hmod) != 0) {
    emu_log(LIB, "cuModuleUnload: %p is not a loaded module (unloaded twice?)", (void*)hmod);
    return CUDA_ERROR_INVALID_HANDLE;
  }
  std::lock_guard<std::mutex> lock(modules_mutex);
  for (auto& entry : hmod->functions) {
    emu_handle_remove(FUNCTION_KIND, entry.second);
    delete entry.second;
  }
  delete hmod;
  return CUDA_SUCCESS;
}

EMU_EXPORT CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                                   unsigned int gridDimZ, unsigned int blockDimX,
                                   unsigned int blockDimY, unsigned int blockDimZ,
                                   unsigned int sharedMemBytes, CUstream hStream,
                                   void** kernelParams, void** extra) {
  if (!initialized) return not_initialized("cuLaunchKernel");
  int function_device = -1;
  if (f == nullptr || !emu_handle_live(FUNCTION_KIND, f, &function_device)) {
    emu_log(LIB, "cuLaunchKernel: %p is not a function of a loaded module", (void*)f);
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const emu_kernel* k = f->kernel;
  const char* name = k->name;
  int device = emu_current_device();
  if (function_device != device) {
    emu_log(LIB,
            "cuLaunchKernel(%s): the function's module was loaded on device %d, but device %d is "
            "current (a module belongs to one context)",
            name, function_device, device);
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (gridDimX == 0 || gridDimY == 0 || gridDimZ == 0 || blockDimX == 0 || blockDimY == 0 ||
      blockDimZ == 0) {
    emu_log(LIB, "cuLaunchKernel(%s): empty grid (%u, %u, %u) or block (%u, %u, %u)", name,
            gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ);
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (gridDimX > 0x7fffffffu || gridDimY > 65535 || gridDimZ > 65535) {
    emu_log(LIB, "cuLaunchKernel(%s): grid (%u, %u, %u) exceeds (2^31-1, 65535, 65535)", name,
            gridDimX, gridDimY, gridDimZ);
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (blockDimX > 1024 || blockDimY > 1024 || blockDimZ > 64 ||
      (unsigned long long)blockDimX * blockDimY * blockDimZ > 1024) {
    emu_log(LIB, "cuLaunchKernel(%s): block (%u, %u, %u) exceeds 1024 threads or (1024, 1024, 64)",
            name, blockDimX, blockDimY, blockDimZ);
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (sharedMemBytes > 48 * 1024) {
    emu_log(LIB, "cuLaunchKernel(%s): %u bytes of dynamic shared memory exceed 48 KiB", name,
            sharedMemBytes);
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!is_default_stream(hStream)) {
    if (!emu_stream_valid(hStream)) {
      emu_log(LIB, "cuLaunchKernel(%s): stream %p is not a live stream (destroyed?)", name,
              (void*)hStream);
      return CUDA_ERROR_INVALID_HANDLE;
    }
    int stream_device = emu_stream_device(hStream);
    if (stream_device != device) {
      emu_log(LIB, "cuLaunchKernel(%s): the stream is on device %d, but device %d is current",
              name, stream_device, device);
      return CUDA_ERROR_INVALID_HANDLE;
    }
  }
  if (kernelParams != nullptr && extra != nullptr) {
    emu_log(LIB, "cuLaunchKernel(%s): both kernelParams and extra given", name);
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (extra != nullptr) {
    emu_log(LIB, "cuLaunchKernel(%s): the emulator takes arguments through kernelParams only",
            name);
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  if (k->param_count > 0 && kernelParams == nullptr) {
    emu_log(LIB, "cuLaunchKernel(%s): the kernel takes %d arguments, kernelParams is NULL", name,
            k->param_count);
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (int i = 0; i < k->param_count; i++) {
    if (kernelParams[i] == nullptr) {
      emu_log(LIB, "cuLaunchKernel(%s): kernelParams[%d] (%s) is NULL", name, i,
              emu_param_kind_name(k->params[i].kind));
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (k->params[i].kind == EMU_PARAM_POINTER) {
      void* pointer;
      memcpy(&pointer, kernelParams[i], sizeof pointer);
      char what[160];
      snprintf(what, sizeof what, "cuLaunchKernel %s arg %d", name, i);
      if (emu_check_device_range(pointer, 1, device, what) != EMU_OK) {
        emu_log(LIB, "cuLaunchKernel(%s): argument %d (a pointer) is not memory device %d can use",
                name, i, device);
        return CUDA_ERROR_ILLEGAL_ADDRESS;
      }
    }
  }
  k->run(kernelParams, emu_dims{gridDimX, gridDimY, gridDimZ},
         emu_dims{blockDimX, blockDimY, blockDimZ});
  return CUDA_SUCCESS;
}

}  // extern "C"
