// The core's memory and handle rules: what a real GPU refuses, the emulator refuses too.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "emu_core.h"

static int failures = 0;
#define CHECK(cond)                                                 \
  do {                                                              \
    if (!(cond)) {                                                  \
      fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                   \
    }                                                               \
  } while (0)

int main() {
  CHECK(emu_device_count() == 2);
  CHECK(emu_current_device() == 0);
  CHECK(emu_set_current_device(2) == -1);

  emu_status status;
  float* a = (float*)emu_device_alloc(0, 100 * sizeof(float), &status);
  float* b = (float*)emu_device_alloc(1, 100 * sizeof(float), &status);
  CHECK(a != nullptr && b != nullptr && status == EMU_OK);
  CHECK(a[99] == 0.0f);  // zero-filled
  CHECK(emu_check_device_range(a, 400, 0, "whole block") == EMU_OK);
  CHECK(emu_check_device_range(a + 50, 204, 0, "past the end") == EMU_OUT_OF_RANGE);
  CHECK(emu_check_device_range(b, 4, 0, "other device") == EMU_PEER_NOT_ENABLED);
  CHECK(emu_enable_peer(0, 1) == 0);
  CHECK(emu_enable_peer(0, 1) == 1);
  CHECK(emu_check_device_range(b, 4, 0, "peer enabled") == EMU_OK);
  CHECK(emu_check_device_range(a, 4, 1, "peer is one-way") == EMU_PEER_NOT_ENABLED);
  int stack_value = 0;
  CHECK(emu_check_device_range(&stack_value, 4, 0, "host memory") == EMU_NOT_ALLOCATED);
  CHECK(emu_memory_kind_of(&stack_value, nullptr) == EMU_MEMORY_HOST);
  int device = -1;
  CHECK(emu_memory_kind_of(b + 3, &device) == EMU_MEMORY_DEVICE && device == 1);
  CHECK(emu_check_host_range(a, 4, "device as host") == EMU_WRONG_KIND);
  CHECK(emu_device_free(a + 1) == EMU_NOT_A_BLOCK_START);
  CHECK(emu_device_free(a) == EMU_OK);
  CHECK(emu_device_free(a) == EMU_FREED);
  CHECK(emu_check_device_range(a, 4, 0, "after free") == EMU_FREED);
  CHECK(emu_memory_kind_of(a, nullptr) == EMU_MEMORY_FREED);
  CHECK(emu_device_free(b) == EMU_OK);
  CHECK(emu_device_memory_used(0) == 0 && emu_device_memory_used(1) == 0);
  CHECK(emu_device_alloc(0, emu_device_memory_total() + 1, &status) == nullptr &&
        status == EMU_OUT_OF_MEMORY);

  void* pinned = emu_host_alloc(64, &status);
  CHECK(emu_device_free(pinned) == EMU_WRONG_KIND);
  CHECK(emu_check_device_range(pinned, 4, 0, "pinned as device") == EMU_WRONG_KIND);
  CHECK(emu_check_host_range(pinned, 64, "pinned") == EMU_OK);
  CHECK(emu_host_free(pinned) == EMU_OK);

  emu_stream* s1 = emu_stream_create(1);
  CHECK(emu_stream_valid(s1) && emu_stream_device(s1) == 1);
  CHECK(emu_stream_valid(nullptr) && emu_stream_device(nullptr) == 0);
  CHECK(emu_stream_destroy(s1) == EMU_OK);
  CHECK(!emu_stream_valid(s1));
  CHECK(emu_stream_destroy(s1) == EMU_FREED);

  int handle;
  emu_handle_add("thing", &handle, 1);
  CHECK(emu_handle_live("thing", &handle, &device) && device == 1);
  CHECK(!emu_handle_live("other", &handle, nullptr));
  char* report = emu_live_report();
  CHECK(strstr(report, "thing") != nullptr);
  free(report);
  CHECK(emu_handle_remove("other", &handle) == -1);
  CHECK(emu_handle_remove("thing", &handle) == 0);
  CHECK(emu_handle_remove("thing", &handle) == -1);
  report = emu_live_report();
  CHECK(report[0] == '\0');
  free(report);

  if (failures) {
    fprintf(stderr, "%d core check(s) failed\n", failures);
    return 1;
  }
  printf("core: all checks passed\n");
  return 0;
}
