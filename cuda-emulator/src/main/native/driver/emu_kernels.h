// The kernels of kernels.cu compiled into libcuda.so.1 (kernels.cpp), as the driver sees them:
// entry name, parameter list (derived from each function's type) and a runner for a whole grid.
#ifndef ALEXNET4J_EMU_KERNELS_H
#define ALEXNET4J_EMU_KERNELS_H

#include <cstddef>

enum emu_param_kind {
  EMU_PARAM_POINTER,  // a device pointer, 8 bytes
  EMU_PARAM_INT,
  EMU_PARAM_UINT,
  EMU_PARAM_FLOAT,
  EMU_PARAM_LONGLONG,
  EMU_PARAM_ULONGLONG,
  EMU_PARAM_DOUBLE
};

struct emu_param {
  emu_param_kind kind;
  size_t size;
};

struct emu_dims {
  unsigned x, y, z;
};

struct emu_kernel {
  const char* name;
  int param_count;
  const emu_param* params;
  // Reads the arguments as the driver does (kernelParams[i] points at argument i's value), then
  // runs every thread of every block, synchronously, on the calling thread.
  void (*run)(void** kernel_params, emu_dims grid, emu_dims block);
};

// The kernel named `name`, or NULL.
const emu_kernel* emu_find_kernel(const char* name);
// All of them; *count gets how many.
const emu_kernel* emu_all_kernels(int* count);

const char* emu_param_kind_name(emu_param_kind kind);

#endif
