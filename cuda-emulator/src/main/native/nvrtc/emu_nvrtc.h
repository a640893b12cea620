// The part of NVRTC's API (nvrtc.h) the emulator provides, with NVIDIA's numbers; our own header,
// since CI has no CUDA toolkit. The names are those JNvrtc's natives bind (@libnvrtc.so.11.2).
#ifndef ALEXNET4J_EMU_NVRTC_H
#define ALEXNET4J_EMU_NVRTC_H

#include <stddef.h>

#include "emu_core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  NVRTC_SUCCESS = 0,
  NVRTC_ERROR_OUT_OF_MEMORY = 1,
  NVRTC_ERROR_PROGRAM_CREATION_FAILURE = 2,
  NVRTC_ERROR_INVALID_INPUT = 3,
  NVRTC_ERROR_INVALID_PROGRAM = 4,
  NVRTC_ERROR_INVALID_OPTION = 5,
  NVRTC_ERROR_COMPILATION = 6,
  NVRTC_ERROR_BUILTIN_OPERATION_FAILURE = 7,
  NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION = 8,
  NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION = 9,
  NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID = 10,
  NVRTC_ERROR_INTERNAL_ERROR = 11
} nvrtcResult;

typedef struct _nvrtcProgram* nvrtcProgram;

// NVRTC 11.7, and the virtual architectures it compiles for.
#define EMU_NVRTC_MAJOR 11
#define EMU_NVRTC_MINOR 7

EMU_EXPORT const char* nvrtcGetErrorString(nvrtcResult result);
EMU_EXPORT nvrtcResult nvrtcVersion(int* major, int* minor);
EMU_EXPORT nvrtcResult nvrtcGetNumSupportedArchs(int* numArchs);
EMU_EXPORT nvrtcResult nvrtcGetSupportedArchs(int* supportedArchs);
EMU_EXPORT nvrtcResult nvrtcCreateProgram(nvrtcProgram* prog, const char* src, const char* name,
                                          int numHeaders, const char* const* headers,
                                          const char* const* includeNames);
EMU_EXPORT nvrtcResult nvrtcDestroyProgram(nvrtcProgram* prog);
EMU_EXPORT nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions,
                                           const char* const* options);
EMU_EXPORT nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t* ptxSizeRet);
EMU_EXPORT nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char* ptx);
// The cubin of a compile for a real architecture (sm_XY); a compile for a virtual one (compute_XY)
// has none: its size is 0, as NVIDIA documents.
EMU_EXPORT nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t* cubinSizeRet);
EMU_EXPORT nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char* cubin);
EMU_EXPORT nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t* logSizeRet);
EMU_EXPORT nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char* log);

#ifdef __cplusplus
}
#endif

#endif
