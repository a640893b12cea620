// The emulator's shared state; see emu_core.h for what it stands in for and why.
#include "emu_core.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>

namespace {

constexpr int kMaxDevices = 16;
constexpr uint64_t kStreamMagic = 0x6d6165727473756dULL;  // "mustream"

struct Block {
  size_t bytes;      // as asked for
  size_t reserved;   // mapped length (whole pages)
  int device;        // -1: pinned host memory
  bool live;
};

struct HandleRecord {
  std::string kind;
  int device;
};

}  // namespace

struct emu_stream {
  uint64_t magic;
  int device;
  bool live;
};

namespace {

struct State {
  std::mutex mutex;
  int devices = 0;
  size_t memory_total = 0;
  size_t used[kMaxDevices] = {};
  bool peer[kMaxDevices][kMaxDevices] = {};
  std::map<uintptr_t, Block> blocks;  // by start address; freed blocks stay, reserved
  std::set<emu_stream*> streams;      // live and destroyed; a stream's memory is never reused
  std::map<const void*, HandleRecord> handles;
  std::string names[kMaxDevices];

  State() {
    devices = 2;
    if (const char* env = getenv("ALEXNET4J_CUDA_EMU_DEVICES")) {
      int n = atoi(env);
      if (n < 0 || n > kMaxDevices) {
        fprintf(stderr, "cuda-emulator: ALEXNET4J_CUDA_EMU_DEVICES=%s is not in [0, %d]; using 2\n",
                env, kMaxDevices);
      } else {
        devices = n;
      }
    }
    size_t mib = 4096;
    if (const char* env = getenv("ALEXNET4J_CUDA_EMU_MEMORY_MIB")) {
      long long n = atoll(env);
      if (n > 0) mib = (size_t)n;
    }
    memory_total = mib << 20;
    for (int d = 0; d < kMaxDevices; d++) {
      names[d] = "alexnet4j emulated CUDA device " + std::to_string(d) + " (host memory)";
    }
  }
};

State& state() {
  static State* s = new State();  // never destroyed: the exit report runs after static destructors
  return *s;
}

thread_local int current_device = 0;

size_t page_round(size_t bytes) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t n = bytes == 0 ? 1 : bytes;
  return (n + page - 1) / page * page;
}

// The block containing `p` (live or freed), or blocks.end(). Caller holds the mutex.
std::map<uintptr_t, Block>::iterator find_block(State& s, const void* p) {
  uintptr_t a = (uintptr_t)p;
  auto it = s.blocks.upper_bound(a);
  if (it == s.blocks.begin()) return s.blocks.end();
  --it;
  if (a >= it->first + it->second.reserved) return s.blocks.end();
  return it;
}

void* map_block(State& s, size_t bytes, int device, emu_status* status) {
  size_t reserved = page_round(bytes);
  void* p = mmap(nullptr, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) {
    if (status) *status = EMU_OUT_OF_MEMORY;
    return nullptr;
  }
  s.blocks[(uintptr_t)p] = Block{bytes, reserved, device, true};
  if (status) *status = EMU_OK;
  return p;
}

// Gives the pages back but keeps the addresses reserved, so that they are never handed out again
// and any later access, from a check or a stray kernel, is seen as use after free.
void unmap_block(Block& b, uintptr_t start) {
  mmap((void*)start, b.reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
       -1, 0);
  b.live = false;
}

emu_status refuse(emu_status status, const void* p, size_t bytes, int device, const char* what,
                  const char* detail) {
  emu_log("memory", "%s: %s (pointer %p, %zu bytes, accessed from device %d)%s",
          what ? what : "access", emu_status_text(status), p, bytes, device, detail ? detail : "");
  return status;
}

}  // namespace

extern "C" {

int emu_device_count(void) { return state().devices; }

size_t emu_device_memory_total(void) { return state().memory_total; }

size_t emu_device_memory_used(int device) {
  State& s = state();
  if (device < 0 || device >= s.devices) return 0;
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.used[device];
}

const char* emu_device_name(int device) {
  State& s = state();
  if (device < 0 || device >= s.devices) return "no such emulated device";
  return s.names[device].c_str();
}

int emu_device_valid(int device) { return device >= 0 && device < state().devices; }

int emu_device_compute_capability(int device) { return emu_device_valid(device) ? 80 : -1; }

int emu_current_device(void) { return current_device; }

int emu_set_current_device(int device) {
  if (!emu_device_valid(device)) return -1;
  current_device = device;
  return 0;
}

const char* emu_status_text(emu_status status) {
  switch (status) {
    case EMU_OK: return "ok";
    case EMU_OUT_OF_MEMORY: return "out of emulated device memory";
    case EMU_NOT_ALLOCATED: return "not memory this emulator allocated";
    case EMU_FREED: return "memory already freed (use after free)";
    case EMU_OUT_OF_RANGE: return "range runs past the end of its allocation";
    case EMU_PEER_NOT_ENABLED: return "memory of another device, peer access not enabled";
    case EMU_NOT_A_BLOCK_START: return "not the start of a live allocation";
    case EMU_WRONG_KIND: return "host memory where device memory is needed, or the reverse";
  }
  return "unknown status";
}

void* emu_device_alloc(int device, size_t bytes, emu_status* status) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (device < 0 || device >= s.devices) {
    if (status) *status = EMU_NOT_ALLOCATED;
    return nullptr;
  }
  if (bytes > s.memory_total - s.used[device]) {
    if (status) *status = EMU_OUT_OF_MEMORY;
    emu_log("memory", "device %d: %zu bytes asked for, %zu of %zu in use", device, bytes,
            s.used[device], s.memory_total);
    return nullptr;
  }
  void* p = map_block(s, bytes, device, status);
  if (p) s.used[device] += bytes;
  return p;
}

static emu_status free_block(void* pointer, bool device_memory) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.blocks.find((uintptr_t)pointer);
  if (it == s.blocks.end()) {
    auto inside = find_block(s, pointer);
    if (inside != s.blocks.end() && !inside->second.live) return EMU_FREED;
    return inside == s.blocks.end() ? EMU_NOT_ALLOCATED : EMU_NOT_A_BLOCK_START;
  }
  Block& b = it->second;
  if (!b.live) return EMU_FREED;
  if ((b.device >= 0) != device_memory) return EMU_WRONG_KIND;
  if (b.device >= 0) s.used[b.device] -= b.bytes;
  unmap_block(b, it->first);
  return EMU_OK;
}

emu_status emu_device_free(void* pointer) { return free_block(pointer, true); }

void* emu_host_alloc(size_t bytes, emu_status* status) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return map_block(s, bytes, -1, status);
}

emu_status emu_host_free(void* pointer) { return free_block(pointer, false); }

emu_memory_kind emu_memory_kind_of(const void* pointer, int* device) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = find_block(s, pointer);
  if (it == s.blocks.end()) return EMU_MEMORY_HOST;
  if (!it->second.live) return EMU_MEMORY_FREED;
  if (it->second.device < 0) return EMU_MEMORY_PINNED;
  if (device) *device = it->second.device;
  return EMU_MEMORY_DEVICE;
}

emu_status emu_check_device_range(const void* pointer, size_t bytes, int device, const char* what) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = find_block(s, pointer);
  if (it == s.blocks.end()) {
    return refuse(EMU_NOT_ALLOCATED, pointer, bytes, device, what, "");
  }
  const Block& b = it->second;
  if (!b.live) return refuse(EMU_FREED, pointer, bytes, device, what, "");
  if (b.device < 0) {
    return refuse(EMU_WRONG_KIND, pointer, bytes, device, what, ": page-locked host memory");
  }
  uintptr_t end = (uintptr_t)pointer + bytes;
  if (end > it->first + b.bytes || end < (uintptr_t)pointer) {
    char detail[96];
    snprintf(detail, sizeof detail, ": the allocation holds %zu bytes from %p", b.bytes,
             (void*)it->first);
    return refuse(EMU_OUT_OF_RANGE, pointer, bytes, device, what, detail);
  }
  if (b.device != device) {
    if (device < 0 || device >= s.devices || !s.peer[device][b.device]) {
      char detail[64];
      snprintf(detail, sizeof detail, ": it lives on device %d", b.device);
      return refuse(EMU_PEER_NOT_ENABLED, pointer, bytes, device, what, detail);
    }
  }
  return EMU_OK;
}

emu_status emu_check_host_range(const void* pointer, size_t bytes, const char* what) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = find_block(s, pointer);
  if (it == s.blocks.end()) return EMU_OK;
  const Block& b = it->second;
  if (!b.live) return refuse(EMU_FREED, pointer, bytes, -1, what, "");
  if (b.device >= 0) {
    return refuse(EMU_WRONG_KIND, pointer, bytes, -1, what, ": device memory given as host memory");
  }
  if ((uintptr_t)pointer + bytes > it->first + b.bytes) {
    return refuse(EMU_OUT_OF_RANGE, pointer, bytes, -1, what, ": page-locked block");
  }
  return EMU_OK;
}

int emu_peer_enabled(int device, int peer) {
  State& s = state();
  if (device < 0 || device >= s.devices || peer < 0 || peer >= s.devices) return 0;
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.peer[device][peer];
}

int emu_enable_peer(int device, int peer) {
  State& s = state();
  if (device == peer || device < 0 || device >= s.devices || peer < 0 || peer >= s.devices) {
    return -1;
  }
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.peer[device][peer]) return 1;
  s.peer[device][peer] = true;
  return 0;
}

emu_stream* emu_stream_create(int device) {
  State& s = state();
  if (device < 0 || device >= s.devices) return nullptr;
  emu_stream* stream = new emu_stream{kStreamMagic, device, true};
  std::lock_guard<std::mutex> lock(s.mutex);
  s.streams.insert(stream);
  return stream;
}

emu_status emu_stream_destroy(emu_stream* stream) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!s.streams.count(stream)) return EMU_NOT_ALLOCATED;
  if (!stream->live) return EMU_FREED;
  stream->live = false;  // the object stays, so a later use is recognised
  return EMU_OK;
}

int emu_stream_valid(const emu_stream* stream) {
  if (stream == nullptr) return 1;
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.streams.find(const_cast<emu_stream*>(stream));
  return it != s.streams.end() && (*it)->live;
}

int emu_stream_device(const emu_stream* stream) {
  if (stream == nullptr) return current_device;
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.streams.find(const_cast<emu_stream*>(stream));
  return it == s.streams.end() ? -1 : (*it)->device;
}

void emu_handle_add(const char* kind, const void* handle, int device) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.handles[handle] = HandleRecord{kind, device};
}

int emu_handle_remove(const char* kind, const void* handle) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.handles.find(handle);
  if (it == s.handles.end() || it->second.kind != kind) return -1;
  s.handles.erase(it);
  return 0;
}

int emu_handle_live(const char* kind, const void* handle, int* device) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.handles.find(handle);
  if (it == s.handles.end() || it->second.kind != kind) return 0;
  if (device) *device = it->second.device;
  return 1;
}

void emu_log(const char* library, const char* format, ...) {
  char message[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  fprintf(stderr, "cuda-emulator: %s: %s\n", library, message);
  fflush(stderr);
}

char* emu_live_report(void) {
  State& s = state();
  std::ostringstream out;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    for (const auto& [start, b] : s.blocks) {
      if (!b.live) continue;
      if (b.device >= 0) {
        out << "device memory: " << b.bytes << " bytes at " << (void*)start << " on device "
            << b.device << "\n";
      } else {
        out << "page-locked host memory: " << b.bytes << " bytes at " << (void*)start << "\n";
      }
    }
    for (emu_stream* stream : s.streams) {
      if (stream->live) out << "stream " << (void*)stream << " on device " << stream->device << "\n";
    }
    for (const auto& [handle, h] : s.handles) {
      out << h.kind << " " << handle;
      if (h.device >= 0) out << " on device " << h.device;
      out << "\n";
    }
  }
  return strdup(out.str().c_str());
}

}  // extern "C"

namespace {

// Runs when the process exits (after the JVM's own shutdown): what the program never released.
__attribute__((destructor)) void report_at_exit() {
  char* report = emu_live_report();
  bool leaked = report[0] != '\0';
  if (leaked) {
    fprintf(stderr, "cuda-emulator: still alive at exit:\n%s", report);
    fflush(stderr);
  }
  free(report);
  const char* mode = getenv("ALEXNET4J_CUDA_EMU_LEAKS");
  if (leaked && mode && strcmp(mode, "fail") == 0) _exit(86);
}

}  // namespace
