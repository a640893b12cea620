// The emulated NVRTC (libnvrtc.so.11.2). It cannot compile CUDA: it accepts exactly the kernels.cu
// it was built with (byte for byte), checks the options as NVRTC would, and returns as "PTX" an
// image (emu_image.h) that the emulated driver, which has the same kernels.cu compiled in as C++,
// loads and runs. Any other source fails with NVRTC_ERROR_COMPILATION and a log that says why.
// A compile for a real architecture (-arch=sm_XY) also yields a "cubin": the same image with
// `.target sm_XY`, which the emulated driver loads only on a device that can run that binary.
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "emu_core.h"
#include "emu_embed_kernels_cu.h"
#include "emu_image.h"
#include "emu_nvrtc.h"

static const char* const LIB = "NVRTC";
static const char* const PROGRAM_KIND = "nvrtcProgram";

struct _nvrtcProgram {
  std::string source;
  std::string name;
  std::string log;
  std::string ptx;
  std::string cubin;  // empty unless compiled for a real architecture (sm_XY)
  bool compiled = false;
};

namespace {

// What NVRTC 11.7's nvrtcGetSupportedArchs reports.
const int kArchs[] = {35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87};
const int kDefaultArch = 52;

bool supported_arch(int arch) {
  for (int a : kArchs)
    if (a == arch) return true;
  return false;
}

_nvrtcProgram* program(nvrtcProgram p, const char* fn) {
  if (p == nullptr || !emu_handle_live(PROGRAM_KIND, p, nullptr)) {
    emu_log(LIB, "%s: %p is not a live nvrtcProgram (never created or destroyed)", fn, (void*)p);
    return nullptr;
  }
  return p;
}

size_t kernels_size() { return (size_t)(emu_kernels_cu_end - emu_kernels_cu_begin); }

// 1-based line of byte offset `at` in s.
int line_of(const std::string& s, size_t at) {
  int line = 1;
  for (size_t i = 0; i < at && i < s.size(); i++)
    if (s[i] == '\n') line++;
  return line;
}

bool starts_with(const std::string& s, const char* prefix) {
  return s.compare(0, strlen(prefix), prefix) == 0;
}

struct Options {
  int arch = kDefaultArch;
  bool real = false;  // sm_XY (PTX and a cubin) rather than compute_XY (PTX only), NVRTC's default
  bool fmad = true;
  std::string listing;  // as given, for the image
};

// A `true`/`false` option value.
bool boolean(const std::string& v, bool* out) {
  if (v == "true") {
    *out = true;
    return true;
  }
  if (v == "false") {
    *out = false;
    return true;
  }
  return false;
}

// Parses NVRTC options; "" or an error message for the log.
std::string parse_options(int count, const char* const* options, Options* o) {
  for (int i = 0; i < count; i++) {
    std::string opt = options[i];
    o->listing += (o->listing.empty() ? "" : " ") + opt;
    std::string value;
    auto valued = [&](const char* long_name, const char* short_name) {
      for (const char* name : {long_name, short_name}) {
        if (name == nullptr) continue;
        std::string n = name;
        if (starts_with(opt, (n + "=").c_str())) {
          value = opt.substr(n.size() + 1);
          return true;
        }
      }
      return false;
    };
    bool flag = false;
    if (opt == "--gpu-architecture" || opt == "-arch") {  // the value as the next option
      if (i + 1 >= count) return "nvrtc: error: option " + opt + " needs a value";
      value = options[++i];
      o->listing += " " + value;
      opt += "=" + value;
    }
    if (valued("--gpu-architecture", "-arch")) {
      int arch = 0;
      char rest = 0;
      bool real = sscanf(value.c_str(), "sm_%d%c", &arch, &rest) == 1;
      if ((!real && sscanf(value.c_str(), "compute_%d%c", &arch, &rest) != 1) ||
          !supported_arch(arch)) {
        return "nvrtc: error: invalid value for --gpu-architecture (-arch): '" + value +
               "' (NVRTC " + std::to_string(EMU_NVRTC_MAJOR) + "." +
               std::to_string(EMU_NVRTC_MINOR) + " knows compute_35 ... compute_87)";
      }
      o->arch = arch;
      o->real = real;
    } else if (valued("--fmad", "-fmad")) {
      if (!boolean(value, &o->fmad)) return "nvrtc: error: invalid value for --fmad: '" + value + "'";
    } else if (valued("--ftz", "-ftz") || valued("--prec-sqrt", "-prec-sqrt") ||
               valued("--prec-div", "-prec-div") ||
               valued("--extensible-whole-program", "-ewp")) {
      if (!boolean(value, &flag)) return "nvrtc: error: invalid value for option " + opt;
    } else if (valued("--std", "-std")) {
      if (value != "c++03" && value != "c++11" && value != "c++14" && value != "c++17")
        return "nvrtc: error: invalid value for --std: '" + value + "'";
    } else if (valued("--include-path", nullptr) || (starts_with(opt, "-I") && opt.size() > 2)) {
      // Harmless: kernels.cu includes nothing.
    } else if (opt == "--use_fast_math" || opt == "-use_fast_math" || opt == "--device-debug" ||
               opt == "-G" || opt == "--generate-line-info" || opt == "-lineinfo" ||
               opt == "--restrict" || opt == "-restrict" || opt == "-default-device" ||
               opt == "--device-as-default-execution-space" ||
               opt == "--extra-device-vectorization" || opt == "-extra-device-vectorization" ||
               opt == "--disable-warnings" || opt == "-w") {
      // Accepted; the emulator's kernels are C++ compiled without fused multiply-adds either way.
    } else if (starts_with(opt, "-D") || starts_with(opt, "-U") ||
               starts_with(opt, "--define-macro") || starts_with(opt, "--undefine-macro")) {
      return "nvrtc: error: option " + opt +
             ": the alexnet4j CUDA emulator cannot honour macro definitions (its kernels are the "
             "kernels.cu compiled into libcuda.so.1 as it is)";
    } else {
      return "nvrtc: error: unrecognized option " + opt;
    }
  }
  return "";
}

// `target` is compute_XY for the PTX stand-in, sm_XY for the cubin stand-in.
std::string make_image(const _nvrtcProgram& p, const Options& o, const std::string& target) {
  std::string image = EMU_IMAGE_MAGIC "\n";
  image += "// Not PTX: the alexnet4j CUDA emulator's stand-in for it. Only the emulated driver\n";
  image += "// (libcuda.so.1) built from the same kernels.cu can load it; it runs that kernels.cu\n";
  image += "// compiled into itself as C++ on the host.\n";
  image += ".emulator alexnet4j-cuda-emulator\n";
  image += ".program " + p.name + "\n";
  image += ".source fnv1a64:" + emu_image::hex64(emu_image::fnv1a64(p.source.data(), p.source.size())) +
           " bytes:" + std::to_string(p.source.size()) + "\n";
  image += ".target " + target + "\n";
  image += std::string(".fmad ") + (o.fmad ? "true" : "false") + "\n";
  image += ".options " + o.listing + "\n";
  for (const std::string& e : emu_image::kernel_entries(p.source.data(), p.source.size()))
    image += ".entry " + e + "\n";
  image += ".end\n";
  return image;
}

}  // namespace

extern "C" {

EMU_EXPORT const char* nvrtcGetErrorString(nvrtcResult result) {
  switch (result) {
    case NVRTC_SUCCESS: return "NVRTC_SUCCESS";
    case NVRTC_ERROR_OUT_OF_MEMORY: return "NVRTC_ERROR_OUT_OF_MEMORY";
    case NVRTC_ERROR_PROGRAM_CREATION_FAILURE: return "NVRTC_ERROR_PROGRAM_CREATION_FAILURE";
    case NVRTC_ERROR_INVALID_INPUT: return "NVRTC_ERROR_INVALID_INPUT";
    case NVRTC_ERROR_INVALID_PROGRAM: return "NVRTC_ERROR_INVALID_PROGRAM";
    case NVRTC_ERROR_INVALID_OPTION: return "NVRTC_ERROR_INVALID_OPTION";
    case NVRTC_ERROR_COMPILATION: return "NVRTC_ERROR_COMPILATION";
    case NVRTC_ERROR_BUILTIN_OPERATION_FAILURE: return "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE";
    case NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION:
      return "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION";
    case NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION:
      return "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION";
    case NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID: return "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID";
    case NVRTC_ERROR_INTERNAL_ERROR: return "NVRTC_ERROR_INTERNAL_ERROR";
  }
  return "NVRTC_ERROR unknown";
}

EMU_EXPORT nvrtcResult nvrtcVersion(int* major, int* minor) {
  if (major == nullptr || minor == nullptr) return NVRTC_ERROR_INVALID_INPUT;
  *major = EMU_NVRTC_MAJOR;
  *minor = EMU_NVRTC_MINOR;
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcGetNumSupportedArchs(int* numArchs) {
  if (numArchs == nullptr) return NVRTC_ERROR_INVALID_INPUT;
  *numArchs = (int)(sizeof kArchs / sizeof kArchs[0]);
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcGetSupportedArchs(int* supportedArchs) {
  if (supportedArchs == nullptr) return NVRTC_ERROR_INVALID_INPUT;
  memcpy(supportedArchs, kArchs, sizeof kArchs);
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcCreateProgram(nvrtcProgram* prog, const char* src, const char* name,
                                          int numHeaders, const char* const* headers,
                                          const char* const* includeNames) {
  if (prog == nullptr || src == nullptr) {
    emu_log(LIB, "nvrtcCreateProgram: %s is NULL", prog == nullptr ? "prog" : "src");
    return NVRTC_ERROR_INVALID_INPUT;
  }
  if (numHeaders < 0 || (numHeaders > 0 && (headers == nullptr || includeNames == nullptr))) {
    emu_log(LIB, "nvrtcCreateProgram: numHeaders=%d with headers %p, includeNames %p", numHeaders,
            (const void*)headers, (const void*)includeNames);
    return NVRTC_ERROR_INVALID_INPUT;
  }
  _nvrtcProgram* p = new (std::nothrow) _nvrtcProgram();
  if (p == nullptr) return NVRTC_ERROR_OUT_OF_MEMORY;
  p->source = src;
  p->name = name != nullptr ? name : "default_program";
  emu_handle_add(PROGRAM_KIND, p, -1);
  *prog = p;
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcDestroyProgram(nvrtcProgram* prog) {
  if (prog == nullptr) return NVRTC_ERROR_INVALID_INPUT;
  if (*prog == nullptr || emu_handle_remove(PROGRAM_KIND, *prog) != 0) {
    emu_log(LIB, "nvrtcDestroyProgram: %p is not a live nvrtcProgram (destroyed twice?)",
            (void*)*prog);
    return NVRTC_ERROR_INVALID_PROGRAM;
  }
  delete *prog;
  *prog = nullptr;
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions,
                                           const char* const* options) {
  _nvrtcProgram* p = program(prog, "nvrtcCompileProgram");
  if (p == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
  if (numOptions < 0 || (numOptions > 0 && options == nullptr)) {
    emu_log(LIB, "nvrtcCompileProgram: numOptions=%d with options %p", numOptions,
            (const void*)options);
    return NVRTC_ERROR_INVALID_INPUT;
  }
  for (int i = 0; i < numOptions; i++) {
    if (options[i] == nullptr) {
      emu_log(LIB, "nvrtcCompileProgram: option %d is NULL", i);
      return NVRTC_ERROR_INVALID_INPUT;
    }
  }
  p->compiled = false;
  p->ptx.clear();
  p->cubin.clear();
  Options o;
  std::string error = parse_options(numOptions, options, &o);
  if (!error.empty()) {
    p->log = error + "\n";
    emu_log(LIB, "nvrtcCompileProgram(%s): %s", p->name.c_str(), error.c_str());
    return NVRTC_ERROR_INVALID_OPTION;
  }
  const char* built = emu_kernels_cu_begin;
  size_t built_size = kernels_size();
  if (p->source.size() != built_size || memcmp(p->source.data(), built, built_size) != 0) {
    size_t at = 0;
    while (at < p->source.size() && at < built_size && p->source[at] == built[at]) at++;
    uint64_t theirs = emu_image::fnv1a64(p->source.data(), p->source.size());
    uint64_t ours = emu_image::fnv1a64(built, built_size);
    p->log = p->name + "(" + std::to_string(line_of(p->source, at)) +
             "): error: the alexnet4j CUDA emulator cannot compile CUDA. It runs only the "
             "kernels.cu it was built with (" EMU_KERNELS_CU ", " + std::to_string(built_size) +
             " bytes, fnv1a64 " + emu_image::hex64(ours) + "), compiled into its libcuda.so.1 as "
             "C++; this program (" + std::to_string(p->source.size()) + " bytes, fnv1a64 " +
             emu_image::hex64(theirs) + ") differs from it at byte " + std::to_string(at) +
             ". Rebuild the emulator with this source as KERNELS to run it.\n";
    emu_log(LIB, "nvrtcCompileProgram(%s): %.*s", p->name.c_str(), (int)p->log.size() - 1,
            p->log.c_str());
    return NVRTC_ERROR_COMPILATION;
  }
  p->log.clear();
  p->ptx = make_image(*p, o, "compute_" + std::to_string(o.arch));
  if (o.real) p->cubin = make_image(*p, o, "sm_" + std::to_string(o.arch));
  p->compiled = true;
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t* ptxSizeRet) {
  _nvrtcProgram* p = program(prog, "nvrtcGetPTXSize");
  if (p == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
  if (ptxSizeRet == nullptr) return NVRTC_ERROR_INVALID_INPUT;
  if (!p->compiled) {
    emu_log(LIB, "nvrtcGetPTXSize(%s): the program has not been compiled successfully",
            p->name.c_str());
    return NVRTC_ERROR_INVALID_PROGRAM;
  }
  *ptxSizeRet = p->ptx.size() + 1;
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char* ptx) {
  _nvrtcProgram* p = program(prog, "nvrtcGetPTX");
  if (p == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
  if (ptx == nullptr) return NVRTC_ERROR_INVALID_INPUT;
  if (!p->compiled) {
    emu_log(LIB, "nvrtcGetPTX(%s): the program has not been compiled successfully",
            p->name.c_str());
    return NVRTC_ERROR_INVALID_PROGRAM;
  }
  memcpy(ptx, p->ptx.c_str(), p->ptx.size() + 1);
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t* cubinSizeRet) {
  _nvrtcProgram* p = program(prog, "nvrtcGetCUBINSize");
  if (p == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
  if (cubinSizeRet == nullptr) return NVRTC_ERROR_INVALID_INPUT;
  if (!p->compiled) {
    emu_log(LIB, "nvrtcGetCUBINSize(%s): the program has not been compiled successfully",
            p->name.c_str());
    return NVRTC_ERROR_INVALID_PROGRAM;
  }
  // NVIDIA: "set to 0 if the value specified to -arch is a virtual architecture". The image is
  // text; its terminating NUL is part of the cubin so that the driver, which gets the bytes as
  // they are (no length), can find its end.
  *cubinSizeRet = p->cubin.empty() ? 0 : p->cubin.size() + 1;
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char* cubin) {
  _nvrtcProgram* p = program(prog, "nvrtcGetCUBIN");
  if (p == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
  if (cubin == nullptr) return NVRTC_ERROR_INVALID_INPUT;
  if (!p->compiled) {
    emu_log(LIB, "nvrtcGetCUBIN(%s): the program has not been compiled successfully",
            p->name.c_str());
    return NVRTC_ERROR_INVALID_PROGRAM;
  }
  if (p->cubin.empty()) {
    // NVIDIA documents only that no cubin is available; a refusal is the safe reading.
    emu_log(LIB,
            "nvrtcGetCUBIN(%s): no cubin: the program was compiled for a virtual architecture "
            "(compute_XY); compile with -arch=sm_XY for one",
            p->name.c_str());
    return NVRTC_ERROR_INVALID_INPUT;
  }
  memcpy(cubin, p->cubin.c_str(), p->cubin.size() + 1);
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t* logSizeRet) {
  _nvrtcProgram* p = program(prog, "nvrtcGetProgramLogSize");
  if (p == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
  if (logSizeRet == nullptr) return NVRTC_ERROR_INVALID_INPUT;
  *logSizeRet = p->log.size() + 1;
  return NVRTC_SUCCESS;
}

EMU_EXPORT nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char* log) {
  _nvrtcProgram* p = program(prog, "nvrtcGetProgramLog");
  if (p == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
  if (log == nullptr) return NVRTC_ERROR_INVALID_INPUT;
  memcpy(log, p->log.c_str(), p->log.size() + 1);
  return NVRTC_SUCCESS;
}

}  // extern "C"
