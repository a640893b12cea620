// The emulated NCCL (libnccl.so.2, API of NCCL 2.11.4, what org.bytedeco:cuda 11.6-8.3-1.5.7 was
// built against): collectives across processes of one machine through POSIX shared memory.
//
// A test fixture: it proves our Java code, the JNI marshalling and our reading of the API; it
// proves nothing about a GPU's numerics, NCCL's algorithms or speed.
//
// The unique id names a shared-memory segment. ncclCommInitRank maps it (the first rank to come
// creates it, zero-filled, which is its initial state), and waits until all nranks ranks have
// joined; the last one unlinks the name, so nothing is left in /dev/shm once the communicator
// exists. The segment holds a header (sense-reversing barrier, per-rank pids and call
// descriptors) and one staging slot per rank of kSlotBytes. Every collective runs at call time,
// chunk by chunk: barrier, each rank copies its chunk into its slot, barrier, each rank reads
// all slots. Reductions sum in rank order on every rank, so all ranks get bit-identical results.
// Before the data moves, every rank compares its call (collective, count, type, op, root) with
// rank 0's, so mismatched calls fail with ncclInvalidUsage on all ranks instead of hanging.
//
// Waits use futexes on the shared mapping, waking every 100 ms to notice an abort
// (ncclCommAbort on any rank), a peer process that is gone, or the init timeout
// (ALEXNET4J_CUDA_EMU_NCCL_TIMEOUT_S, default 60 s; collectives wait without limit, as NCCL's do).
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>

#include "emu_core.h"

namespace {

const char* const kLib = "nccl";

// ---- nccl.h of NCCL 2.11.4, the values bytedeco's org.bytedeco.cuda.global.nccl holds -------

typedef enum {
  ncclSuccess = 0,
  ncclUnhandledCudaError = 1,
  ncclSystemError = 2,
  ncclInternalError = 3,
  ncclInvalidArgument = 4,
  ncclInvalidUsage = 5,
  ncclNumResults = 6
} ncclResult_t;

typedef enum { ncclSum = 0, ncclProd = 1, ncclMax = 2, ncclMin = 3, ncclAvg = 4, ncclNumOps = 5 } ncclRedOp_t;

typedef enum {
  ncclInt8 = 0,
  ncclUint8 = 1,
  ncclInt32 = 2,
  ncclUint32 = 3,
  ncclInt64 = 4,
  ncclUint64 = 5,
  ncclFloat16 = 6,
  ncclFloat32 = 7,
  ncclFloat64 = 8,
  ncclBfloat16 = 9,
  ncclNumTypes = 10
} ncclDataType_t;

const int kVersionCode = 21104;  // NCCL_VERSION_CODE of 2.11.4
const int kUniqueIdBytes = 128;
const char kIdMagic[8] = {'a', '4', 'j', 'n', 'c', 'c', 'l', '1'};

// ---- the shared segment ------------------------------------------------------------------------

const int kMaxRanks = 64;
const size_t kSlotBytes = 1u << 20;

enum Kind : uint32_t {
  kAllReduce = 1,
  kBroadcast,
  kReduce,
  kAllGather,
  kReduceScatter
};

const char* kind_name(uint32_t kind) {
  switch (kind) {
    case kAllReduce: return "ncclAllReduce";
    case kBroadcast: return "ncclBroadcast";
    case kReduce: return "ncclReduce";
    case kAllGather: return "ncclAllGather";
    case kReduceScatter: return "ncclReduceScatter";
    default: return "?";
  }
}

struct Call {
  uint64_t seq;
  uint64_t count;
  uint32_t kind;
  int32_t type;
  int32_t op;
  int32_t root;
};

struct Shared {
  std::atomic<int32_t> nranks;       // 0 until the first rank claims it
  std::atomic<uint32_t> arrived;     // ranks that have joined
  std::atomic<uint32_t> aborted;     // 1 + the rank that aborted, or that timed out joining
  std::atomic<uint32_t> bar_count;
  std::atomic<uint32_t> bar_gen;     // futex word of the barrier
  std::atomic<uint32_t> joined[kMaxRanks];
  std::atomic<int32_t> pid[kMaxRanks];
  Call calls[2][kMaxRanks];          // by parity of the call's sequence number
};

size_t header_bytes() { return (sizeof(Shared) + 4095) & ~size_t(4095); }
size_t segment_bytes(int nranks) { return header_bytes() + size_t(nranks) * kSlotBytes; }

struct Comm {
  Shared* shared;
  size_t mapped;
  int rank;
  int nranks;
  int device;
  uint64_t seq;
  std::atomic<bool> aborted{false};
  int users = 0;          // calls in progress, under g_lock
  bool released = false;  // destroyed or aborted while calls were in progress; last one frees
};

std::mutex g_lock;  // guards handle lookup + Comm::users against a concurrent destroy or abort

// ---- waiting -----------------------------------------------------------------------------------

double now_s() {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

void futex_wait(std::atomic<uint32_t>* word, uint32_t value, long nanos) {
  struct timespec t = {nanos / 1000000000L, nanos % 1000000000L};
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT, value, &t, nullptr, 0);
}

void futex_wake(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE, 0x7fffffff, nullptr, nullptr,
          0);
}

double init_timeout_s() {
  const char* s = getenv("ALEXNET4J_CUDA_EMU_NCCL_TIMEOUT_S");
  if (s != nullptr && *s != '\0') {
    double v = atof(s);
    if (v > 0) return v;
  }
  return 60.0;
}

// Whether process `pid` has ended: no such process, or a zombie its parent has not reaped yet.
bool gone(int32_t pid) {
  if (kill(pid, 0) != 0) return errno == ESRCH;
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
  FILE* f = fopen(path, "r");
  if (f == nullptr) return false;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char* paren = strrchr(buf, ')');  // the state follows "pid (comm) "
  return paren != nullptr && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

// ncclSuccess, or why the communicator can no longer be waited on (logged once here).
ncclResult_t check_alive(Comm* c, const char* what) {
  if (c->aborted.load()) {
    emu_log(kLib, "%s on rank %d: the communicator was aborted on this rank", what, c->rank);
    return ncclSystemError;
  }
  uint32_t a = c->shared->aborted.load();
  if (a != 0) {
    emu_log(kLib, "%s on rank %d: rank %u aborted the communicator", what, c->rank, a - 1);
    return ncclSystemError;
  }
  for (int r = 0; r < c->nranks; r++) {
    int32_t pid = c->shared->pid[r].load();
    if (r != c->rank && pid > 0 && gone(pid)) {
      emu_log(kLib, "%s on rank %d: rank %d (pid %d) has exited", what, c->rank, r, pid);
      return ncclSystemError;
    }
  }
  return ncclSuccess;
}

// All ranks of the communicator meet here (sense-reversing: generation counter).
ncclResult_t barrier(Comm* c, const char* what) {
  Shared* s = c->shared;
  uint32_t gen = s->bar_gen.load();
  if (s->bar_count.fetch_add(1) + 1 == uint32_t(c->nranks)) {
    s->bar_count.store(0);
    s->bar_gen.fetch_add(1);
    futex_wake(&s->bar_gen);
    return ncclSuccess;
  }
  int rounds = 0;
  while (s->bar_gen.load() == gen) {
    futex_wait(&s->bar_gen, gen, 100 * 1000 * 1000L);
    if (s->bar_gen.load() != gen) break;
    // A peer's abort or exit every 100 ms; the pid scan only every second.
    if (c->aborted.load() || s->aborted.load() != 0 || (++rounds % 10) == 0) {
      ncclResult_t alive = check_alive(c, what);
      if (alive != ncclSuccess) return alive;
    }
  }
  return ncclSuccess;
}

// ---- element types and reductions ----------------------------------------------------------

size_t type_size(int type) {
  switch (type) {
    case ncclInt8: case ncclUint8: return 1;
    case ncclFloat16: case ncclBfloat16: return 2;
    case ncclInt32: case ncclUint32: case ncclFloat32: return 4;
    case ncclInt64: case ncclUint64: case ncclFloat64: return 8;
    default: return 0;
  }
}

struct Bf16 {
  uint16_t bits;
};

float to_float(Bf16 v) {
  uint32_t u = uint32_t(v.bits) << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

Bf16 from_float(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return Bf16{uint16_t((u >> 16) | 0x40)};  // NaN stays NaN
  u += 0x7fffu + ((u >> 16) & 1);  // round to nearest even
  return Bf16{uint16_t(u >> 16)};
}

// Half and bfloat16 reduce in float, rounded back after every step, as a GPU kernel would.
template <typename T> struct Arith {
  typedef T Acc;
  static Acc load(T v) { return v; }
  static T store(Acc v) { return v; }
};
template <> struct Arith<_Float16> {
  typedef float Acc;
  static Acc load(_Float16 v) { return float(v); }
  static _Float16 store(Acc v) { return _Float16(v); }
};
template <> struct Arith<Bf16> {
  typedef float Acc;
  static Acc load(Bf16 v) { return to_float(v); }
  static Bf16 store(Acc v) { return from_float(v); }
};

template <typename T>
T combine(T a, T b, int op) {
  typedef Arith<T> A;
  typename A::Acc x = A::load(a), y = A::load(b);
  switch (op) {
    case ncclProd: return A::store(x * y);
    case ncclMax: return A::store(x < y ? y : x);
    case ncclMin: return A::store(y < x ? y : x);
    default: return A::store(x + y);  // ncclSum, ncclAvg (divided at the end)
  }
}

template <typename T>
T divide(T a, int n) {
  typedef Arith<T> A;
  return A::store(A::load(a) / typename A::Acc(n));
}

// out[i] = slots[0][first + i] op slots[1][first + i] op ... in rank order; avg divides last.
template <typename T>
void reduce_typed(void* out, const char* const* slots, int nranks, size_t first, size_t n,
                  int op) {
  T* o = static_cast<T*>(out);
  for (size_t i = 0; i < n; i++) {
    T acc = reinterpret_cast<const T*>(slots[0])[first + i];
    for (int r = 1; r < nranks; r++) {
      acc = combine(acc, reinterpret_cast<const T*>(slots[r])[first + i], op);
    }
    if (op == ncclAvg) acc = divide(acc, nranks);
    o[i] = acc;
  }
}

void reduce(int type, void* out, const char* const* slots, int nranks, size_t first, size_t n,
            int op) {
  switch (type) {
    case ncclInt8: reduce_typed<int8_t>(out, slots, nranks, first, n, op); break;
    case ncclUint8: reduce_typed<uint8_t>(out, slots, nranks, first, n, op); break;
    case ncclInt32: reduce_typed<int32_t>(out, slots, nranks, first, n, op); break;
    case ncclUint32: reduce_typed<uint32_t>(out, slots, nranks, first, n, op); break;
    case ncclInt64: reduce_typed<int64_t>(out, slots, nranks, first, n, op); break;
    case ncclUint64: reduce_typed<uint64_t>(out, slots, nranks, first, n, op); break;
    case ncclFloat16: reduce_typed<_Float16>(out, slots, nranks, first, n, op); break;
    case ncclFloat32: reduce_typed<float>(out, slots, nranks, first, n, op); break;
    case ncclFloat64: reduce_typed<double>(out, slots, nranks, first, n, op); break;
    case ncclBfloat16: reduce_typed<Bf16>(out, slots, nranks, first, n, op); break;
  }
}

// ---- communicator lookup -----------------------------------------------------------------------

char* slot(Comm* c, int rank) {
  return reinterpret_cast<char*>(c->shared) + header_bytes() + size_t(rank) * kSlotBytes;
}

void unmap_and_free(Comm* c) {
  munmap(c->shared, c->mapped);
  delete c;
}

// A live communicator, held against a concurrent destroy or abort until release().
Comm* acquire(void* comm, const char* what) {
  std::lock_guard<std::mutex> hold(g_lock);
  if (comm == nullptr) {
    emu_log(kLib, "%s: comm is NULL", what);
    return nullptr;
  }
  if (!emu_handle_live("ncclComm_t", comm, nullptr)) {
    emu_log(kLib, "%s: %p is not a live communicator (destroyed, aborted, or never made)", what,
            comm);
    return nullptr;
  }
  Comm* c = static_cast<Comm*>(comm);
  c->users++;
  return c;
}

void release(Comm* c) {
  bool free_it;
  {
    std::lock_guard<std::mutex> hold(g_lock);
    free_it = --c->users == 0 && c->released;
  }
  if (free_it) unmap_and_free(c);
}

struct Held {
  Comm* c;
  explicit Held(Comm* comm) : c(comm) {}
  ~Held() {
    if (c != nullptr) release(c);
  }
};

// ---- argument checks ---------------------------------------------------------------------------

bool device_ok(const void* p, size_t bytes, int device, const char* what) {
  if (bytes == 0) return true;
  // The core prints the refusal, naming `what`.
  return emu_check_device_range(p, bytes, device, what) == EMU_OK;
}

ncclResult_t check_stream(Comm* c, void* stream, const char* what) {
  emu_stream* st = static_cast<emu_stream*>(stream);
  if (!emu_stream_valid(st)) {
    emu_log(kLib, "%s: stream %p is not a live stream", what, stream);
    return ncclInvalidArgument;
  }
  if (st != nullptr && emu_stream_device(st) != c->device) {
    emu_log(kLib, "%s: stream %p is on device %d, the communicator on device %d", what, stream,
            emu_stream_device(st), c->device);
    return ncclInvalidArgument;
  }
  return ncclSuccess;
}

// Publishes this rank's call and compares it with rank 0's once all have arrived.
ncclResult_t agree(Comm* c, uint32_t kind, uint64_t count, int type, int op, int root) {
  const char* what = kind_name(kind);
  uint64_t seq = ++c->seq;
  Call mine = {seq, count, kind, type, op, root};
  c->shared->calls[seq & 1][c->rank] = mine;
  ncclResult_t r = barrier(c, what);
  if (r != ncclSuccess) return r;
  for (int q = 0; q < c->nranks; q++) {
    const Call& other = c->shared->calls[seq & 1][q];
    if (other.seq != mine.seq || other.kind != mine.kind || other.count != mine.count ||
        other.type != mine.type || other.op != mine.op || other.root != mine.root) {
      emu_log(kLib,
              "collective #%llu differs between ranks: rank %d called %s(count %llu, type %d, "
              "op %d, root %d), rank %d called #%llu %s(count %llu, type %d, op %d, root %d)",
              (unsigned long long)seq, c->rank, what, (unsigned long long)count, type, op, root,
              q, (unsigned long long)other.seq, kind_name(other.kind),
              (unsigned long long)other.count, other.type, other.op, other.root);
      return ncclInvalidUsage;
    }
  }
  return ncclSuccess;
}

// Common entry checks of a collective; ncclSuccess when it may run.
ncclResult_t enter(Comm* c, void* stream, uint32_t kind, int type, int op, int root,
                   size_t* elem) {
  const char* what = kind_name(kind);
  *elem = type_size(type);
  if (*elem == 0) {
    emu_log(kLib, "%s: unknown datatype %d", what, type);
    return ncclInvalidArgument;
  }
  if (op < 0 || op >= ncclNumOps) {
    emu_log(kLib, "%s: unknown reduction op %d (custom ops are not emulated)", what, op);
    return ncclInvalidArgument;
  }
  if (root < 0 || root >= c->nranks) {
    emu_log(kLib, "%s: root %d outside 0..%d", what, root, c->nranks - 1);
    return ncclInvalidArgument;
  }
  ncclResult_t r = check_stream(c, stream, what);
  if (r != ncclSuccess) return r;
  return check_alive(c, what);
}

ncclResult_t no_comm() { return ncclInvalidArgument; }

}  // namespace

// ---- the API -----------------------------------------------------------------------------------

typedef struct {
  char internal[kUniqueIdBytes];
} ncclUniqueId;

extern "C" {

EMU_EXPORT const char* ncclGetErrorString(ncclResult_t result) {
  switch (result) {
    case ncclSuccess: return "no error";
    case ncclUnhandledCudaError: return "unhandled cuda error";
    case ncclSystemError: return "unhandled system error";
    case ncclInternalError: return "internal error";
    case ncclInvalidArgument: return "invalid argument";
    case ncclInvalidUsage: return "invalid usage";
    default: return "unknown result code";
  }
}

EMU_EXPORT ncclResult_t ncclGetVersion(int* version) {
  if (version == nullptr) {
    emu_log(kLib, "ncclGetVersion: version is NULL");
    return ncclInvalidArgument;
  }
  *version = kVersionCode;
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclGetUniqueId(ncclUniqueId* uniqueId) {
  static std::atomic<unsigned> counter{0};
  if (uniqueId == nullptr) {
    emu_log(kLib, "ncclGetUniqueId: uniqueId is NULL");
    return ncclInvalidArgument;
  }
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  memset(uniqueId, 0, sizeof(*uniqueId));
  memcpy(uniqueId->internal, kIdMagic, sizeof(kIdMagic));
  snprintf(uniqueId->internal + sizeof(kIdMagic), kUniqueIdBytes - sizeof(kIdMagic),
           "/alexnet4j-nccl-%d-%lld%09ld-%u", int(getpid()), (long long)t.tv_sec, t.tv_nsec,
           counter.fetch_add(1));
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclCommInitRank(void** comm, int nranks, ncclUniqueId commId, int rank) {
  const char* what = "ncclCommInitRank";
  if (comm == nullptr) {
    emu_log(kLib, "%s: comm is NULL", what);
    return ncclInvalidArgument;
  }
  if (nranks < 1 || nranks > kMaxRanks) {
    emu_log(kLib, "%s: nranks %d outside 1..%d (the emulator's limit)", what, nranks, kMaxRanks);
    return ncclInvalidArgument;
  }
  if (rank < 0 || rank >= nranks) {
    emu_log(kLib, "%s: rank %d outside 0..%d", what, rank, nranks - 1);
    return ncclInvalidArgument;
  }
  if (memcmp(commId.internal, kIdMagic, sizeof(kIdMagic)) != 0 ||
      memchr(commId.internal + sizeof(kIdMagic), 0, kUniqueIdBytes - sizeof(kIdMagic)) ==
          nullptr ||
      commId.internal[sizeof(kIdMagic)] != '/') {
    emu_log(kLib, "%s: the unique id was not made by this emulator's ncclGetUniqueId", what);
    return ncclInvalidArgument;
  }
  int device = emu_current_device();
  if (!emu_device_valid(device)) {
    emu_log(kLib, "%s: the current device %d does not exist", what, device);
    return ncclInvalidUsage;
  }
  const char* name = commId.internal + sizeof(kIdMagic);
  int fd = shm_open(name, O_RDWR | O_CREAT, 0600);
  if (fd < 0) {
    emu_log(kLib, "%s: shm_open(%s): %s", what, name, strerror(errno));
    return ncclSystemError;
  }
  size_t bytes = segment_bytes(nranks);
  struct stat st;
  // Grows only: a rank with a smaller nranks must not cut the segment under the others' feet.
  if (fstat(fd, &st) != 0 || (size_t(st.st_size) < bytes && ftruncate(fd, off_t(bytes)) != 0)) {
    emu_log(kLib, "%s: sizing %s to %zu bytes: %s", what, name, bytes, strerror(errno));
    close(fd);
    return ncclSystemError;
  }
  void* map = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    emu_log(kLib, "%s: mmap of %s: %s", what, name, strerror(errno));
    return ncclSystemError;
  }
  Shared* s = static_cast<Shared*>(map);
  int32_t expected = 0;
  if (!s->nranks.compare_exchange_strong(expected, nranks) && expected != nranks) {
    emu_log(kLib, "%s: rank %d says nranks %d, another rank said %d", what, rank, nranks,
            expected);
    munmap(map, bytes);
    return ncclInvalidArgument;
  }
  uint32_t was = 0;
  if (!s->joined[rank].compare_exchange_strong(was, 1)) {
    emu_log(kLib, "%s: rank %d joined this communicator twice", what, rank);
    munmap(map, bytes);
    return ncclInvalidUsage;
  }
  s->pid[rank].store(int32_t(getpid()));
  Comm* c = new Comm();
  c->shared = s;
  c->mapped = bytes;
  c->rank = rank;
  c->nranks = nranks;
  c->device = device;
  c->seq = 0;
  uint32_t arrived = s->arrived.fetch_add(1) + 1;
  futex_wake(&s->arrived);
  double deadline = now_s() + init_timeout_s();
  int rounds = 0;
  while (arrived < uint32_t(nranks)) {
    futex_wait(&s->arrived, arrived, 100 * 1000 * 1000L);
    arrived = s->arrived.load();
    if (arrived >= uint32_t(nranks)) break;
    if (s->aborted.load() != 0 || (++rounds % 10) == 0) {
      ncclResult_t alive = check_alive(c, what);
      if (alive != ncclSuccess) {
        shm_unlink(name);
        unmap_and_free(c);
        return alive;
      }
    }
    if (now_s() > deadline) {
      emu_log(kLib,
              "%s: rank %d waited %.0f s, only %u of %d ranks joined %s "
              "(ALEXNET4J_CUDA_EMU_NCCL_TIMEOUT_S sets the wait)",
              what, rank, init_timeout_s(), arrived, nranks, name);
      s->aborted.store(uint32_t(rank) + 1);
      futex_wake(&s->arrived);
      shm_unlink(name);
      unmap_and_free(c);
      return ncclSystemError;
    }
  }
  if (arrived == uint32_t(nranks)) {
    // Everyone has it mapped; a later process can no longer join, and a crash leaves nothing.
    shm_unlink(name);
  }
  emu_handle_add("ncclComm_t", c, device);
  *comm = c;
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclCommInitAll(void** comms, int ndev, const int* devlist) {
  emu_log(kLib, "ncclCommInitAll: not emulated (one process, several devices); use "
                "ncclCommInitRank with one process per rank");
  return ncclInvalidUsage;
}

// Destroy and abort: local, as NCCL's are; abort also tells the peers, whose waits then fail.
// NULL is accepted (the Java watchdog aborts a communicator whose init has not returned yet).
static ncclResult_t finish(void* comm, const char* what, bool abort) {
  Comm* c;
  bool free_now;
  {
    std::lock_guard<std::mutex> hold(g_lock);
    if (comm == nullptr) return ncclSuccess;  // as NCCL's own: nothing to do
    if (emu_handle_remove("ncclComm_t", comm) != 0) {
      emu_log(kLib, "%s: %p is not a live communicator (destroyed twice?)", what, comm);
      return ncclInvalidArgument;
    }
    c = static_cast<Comm*>(comm);
    if (abort) {
      c->aborted.store(true);
      c->shared->aborted.store(uint32_t(c->rank) + 1);
      futex_wake(&c->shared->bar_gen);
    }
    c->released = true;
    free_now = c->users == 0;
  }
  if (free_now) unmap_and_free(c);
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclCommDestroy(void* comm) {
  return finish(comm, "ncclCommDestroy", false);
}

EMU_EXPORT ncclResult_t ncclCommAbort(void* comm) { return finish(comm, "ncclCommAbort", true); }

EMU_EXPORT ncclResult_t ncclCommGetAsyncError(void* comm, ncclResult_t* asyncError) {
  Comm* c = acquire(comm, "ncclCommGetAsyncError");
  if (c == nullptr) return no_comm();
  Held held(c);
  if (asyncError == nullptr) {
    emu_log(kLib, "ncclCommGetAsyncError: asyncError is NULL");
    return ncclInvalidArgument;
  }
  *asyncError = c->shared->aborted.load() != 0 ? ncclSystemError : ncclSuccess;
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclCommCount(const void* comm, int* count) {
  Comm* c = acquire(const_cast<void*>(comm), "ncclCommCount");
  if (c == nullptr) return no_comm();
  Held held(c);
  if (count == nullptr) {
    emu_log(kLib, "ncclCommCount: count is NULL");
    return ncclInvalidArgument;
  }
  *count = c->nranks;
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclCommCuDevice(const void* comm, int* device) {
  Comm* c = acquire(const_cast<void*>(comm), "ncclCommCuDevice");
  if (c == nullptr) return no_comm();
  Held held(c);
  if (device == nullptr) {
    emu_log(kLib, "ncclCommCuDevice: device is NULL");
    return ncclInvalidArgument;
  }
  *device = c->device;
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclCommUserRank(const void* comm, int* rank) {
  Comm* c = acquire(const_cast<void*>(comm), "ncclCommUserRank");
  if (c == nullptr) return no_comm();
  Held held(c);
  if (rank == nullptr) {
    emu_log(kLib, "ncclCommUserRank: rank is NULL");
    return ncclInvalidArgument;
  }
  *rank = c->rank;
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclAllReduce(const void* sendbuff, void* recvbuff, size_t count,
                                      ncclDataType_t datatype, ncclRedOp_t op, void* comm,
                                      void* stream) {
  Comm* c = acquire(comm, "ncclAllReduce");
  if (c == nullptr) return no_comm();
  Held held(c);
  size_t elem;
  ncclResult_t r = enter(c, stream, kAllReduce, datatype, op, 0, &elem);
  if (r != ncclSuccess) return r;
  if (!device_ok(sendbuff, count * elem, c->device, "ncclAllReduce sendbuff") ||
      !device_ok(recvbuff, count * elem, c->device, "ncclAllReduce recvbuff")) {
    return ncclInvalidArgument;
  }
  r = agree(c, kAllReduce, count, datatype, op, 0);
  if (r != ncclSuccess) return r;
  const char* slots[kMaxRanks];
  for (int q = 0; q < c->nranks; q++) slots[q] = slot(c, q);
  size_t per = kSlotBytes / elem;
  for (size_t first = 0; first < count; first += per) {
    size_t n = count - first < per ? count - first : per;
    if (first > 0 && (r = barrier(c, "ncclAllReduce")) != ncclSuccess) return r;
    memcpy(slot(c, c->rank), static_cast<const char*>(sendbuff) + first * elem, n * elem);
    if ((r = barrier(c, "ncclAllReduce")) != ncclSuccess) return r;
    reduce(datatype, static_cast<char*>(recvbuff) + first * elem, slots, c->nranks, 0, n, op);
  }
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclReduce(const void* sendbuff, void* recvbuff, size_t count,
                                   ncclDataType_t datatype, ncclRedOp_t op, int root, void* comm,
                                   void* stream) {
  Comm* c = acquire(comm, "ncclReduce");
  if (c == nullptr) return no_comm();
  Held held(c);
  size_t elem;
  ncclResult_t r = enter(c, stream, kReduce, datatype, op, root, &elem);
  if (r != ncclSuccess) return r;
  bool is_root = c->rank == root;
  if (!device_ok(sendbuff, count * elem, c->device, "ncclReduce sendbuff") ||
      (is_root && !device_ok(recvbuff, count * elem, c->device, "ncclReduce recvbuff"))) {
    return ncclInvalidArgument;
  }
  r = agree(c, kReduce, count, datatype, op, root);
  if (r != ncclSuccess) return r;
  const char* slots[kMaxRanks];
  for (int q = 0; q < c->nranks; q++) slots[q] = slot(c, q);
  size_t per = kSlotBytes / elem;
  for (size_t first = 0; first < count; first += per) {
    size_t n = count - first < per ? count - first : per;
    if (first > 0 && (r = barrier(c, "ncclReduce")) != ncclSuccess) return r;
    memcpy(slot(c, c->rank), static_cast<const char*>(sendbuff) + first * elem, n * elem);
    if ((r = barrier(c, "ncclReduce")) != ncclSuccess) return r;
    if (is_root) {
      reduce(datatype, static_cast<char*>(recvbuff) + first * elem, slots, c->nranks, 0, n, op);
    }
  }
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclBroadcast(const void* sendbuff, void* recvbuff, size_t count,
                                      ncclDataType_t datatype, int root, void* comm,
                                      void* stream) {
  Comm* c = acquire(comm, "ncclBroadcast");
  if (c == nullptr) return no_comm();
  Held held(c);
  size_t elem;
  ncclResult_t r = enter(c, stream, kBroadcast, datatype, ncclSum, root, &elem);
  if (r != ncclSuccess) return r;
  bool is_root = c->rank == root;
  size_t bytes = count * elem;
  if ((is_root && !device_ok(sendbuff, bytes, c->device, "ncclBroadcast sendbuff")) ||
      !device_ok(recvbuff, bytes, c->device, "ncclBroadcast recvbuff")) {
    return ncclInvalidArgument;
  }
  // By bytes: the type only sets the size, so every type broadcasts alike.
  r = agree(c, kBroadcast, count, datatype, ncclSum, root);
  if (r != ncclSuccess) return r;
  for (size_t first = 0; first < bytes; first += kSlotBytes) {
    size_t n = bytes - first < kSlotBytes ? bytes - first : kSlotBytes;
    if (first > 0 && (r = barrier(c, "ncclBroadcast")) != ncclSuccess) return r;
    if (is_root) memcpy(slot(c, root), static_cast<const char*>(sendbuff) + first, n);
    if ((r = barrier(c, "ncclBroadcast")) != ncclSuccess) return r;
    memcpy(static_cast<char*>(recvbuff) + first, slot(c, root), n);
  }
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclBcast(void* buff, size_t count, ncclDataType_t datatype, int root,
                                  void* comm, void* stream) {
  return ncclBroadcast(buff, buff, count, datatype, root, comm, stream);
}

EMU_EXPORT ncclResult_t ncclAllGather(const void* sendbuff, void* recvbuff, size_t sendcount,
                                      ncclDataType_t datatype, void* comm, void* stream) {
  Comm* c = acquire(comm, "ncclAllGather");
  if (c == nullptr) return no_comm();
  Held held(c);
  size_t elem;
  ncclResult_t r = enter(c, stream, kAllGather, datatype, ncclSum, 0, &elem);
  if (r != ncclSuccess) return r;
  size_t bytes = sendcount * elem;
  if (!device_ok(sendbuff, bytes, c->device, "ncclAllGather sendbuff") ||
      !device_ok(recvbuff, bytes * c->nranks, c->device, "ncclAllGather recvbuff")) {
    return ncclInvalidArgument;
  }
  r = agree(c, kAllGather, sendcount, datatype, ncclSum, 0);
  if (r != ncclSuccess) return r;
  for (size_t first = 0; first < bytes; first += kSlotBytes) {
    size_t n = bytes - first < kSlotBytes ? bytes - first : kSlotBytes;
    if (first > 0 && (r = barrier(c, "ncclAllGather")) != ncclSuccess) return r;
    memcpy(slot(c, c->rank), static_cast<const char*>(sendbuff) + first, n);
    if ((r = barrier(c, "ncclAllGather")) != ncclSuccess) return r;
    for (int q = 0; q < c->nranks; q++) {
      memcpy(static_cast<char*>(recvbuff) + q * bytes + first, slot(c, q), n);
    }
  }
  return ncclSuccess;
}

EMU_EXPORT ncclResult_t ncclReduceScatter(const void* sendbuff, void* recvbuff, size_t recvcount,
                                          ncclDataType_t datatype, ncclRedOp_t op, void* comm,
                                          void* stream) {
  Comm* c = acquire(comm, "ncclReduceScatter");
  if (c == nullptr) return no_comm();
  Held held(c);
  size_t elem;
  ncclResult_t r = enter(c, stream, kReduceScatter, datatype, op, 0, &elem);
  if (r != ncclSuccess) return r;
  int n_ranks = c->nranks;
  if (!device_ok(sendbuff, recvcount * elem * n_ranks, c->device, "ncclReduceScatter sendbuff") ||
      !device_ok(recvbuff, recvcount * elem, c->device, "ncclReduceScatter recvbuff")) {
    return ncclInvalidArgument;
  }
  r = agree(c, kReduceScatter, recvcount, datatype, op, 0);
  if (r != ncclSuccess) return r;
  const char* slots[kMaxRanks];
  for (int q = 0; q < n_ranks; q++) slots[q] = slot(c, q);
  // Each slot holds the chunk of every rank's block: block q at q * per elements.
  size_t per = kSlotBytes / (elem * n_ranks);
  for (size_t first = 0; first < recvcount; first += per) {
    size_t n = recvcount - first < per ? recvcount - first : per;
    if (first > 0 && (r = barrier(c, "ncclReduceScatter")) != ncclSuccess) return r;
    for (int q = 0; q < n_ranks; q++) {
      memcpy(slot(c, c->rank) + q * per * elem,
             static_cast<const char*>(sendbuff) + (q * recvcount + first) * elem, n * elem);
    }
    if ((r = barrier(c, "ncclReduceScatter")) != ncclSuccess) return r;
    reduce(datatype, static_cast<char*>(recvbuff) + first * elem, slots, n_ranks,
           c->rank * per, n, op);
  }
  return ncclSuccess;
}

// Every call runs at once, so a group is only brackets: fine for collectives issued in the same
// order on every rank; point-to-point send/recv (which need a group) are not emulated.
EMU_EXPORT ncclResult_t ncclGroupStart(void) { return ncclSuccess; }
EMU_EXPORT ncclResult_t ncclGroupEnd(void) { return ncclSuccess; }

EMU_EXPORT ncclResult_t ncclSend(const void* sendbuff, size_t count, ncclDataType_t datatype,
                                 int peer, void* comm, void* stream) {
  emu_log(kLib, "ncclSend: point-to-point is not emulated");
  return ncclInvalidUsage;
}

EMU_EXPORT ncclResult_t ncclRecv(void* recvbuff, size_t count, ncclDataType_t datatype, int peer,
                                 void* comm, void* stream) {
  emu_log(kLib, "ncclRecv: point-to-point is not emulated");
  return ncclInvalidUsage;
}

EMU_EXPORT ncclResult_t ncclRedOpCreatePreMulSum(ncclRedOp_t* op, void* scalar,
                                                 ncclDataType_t datatype, int residence,
                                                 void* comm) {
  emu_log(kLib, "ncclRedOpCreatePreMulSum: custom reduction ops are not emulated");
  return ncclInvalidUsage;
}

EMU_EXPORT ncclResult_t ncclRedOpDestroy(ncclRedOp_t op, void* comm) {
  emu_log(kLib, "ncclRedOpDestroy: custom reduction ops are not emulated");
  return ncclInvalidUsage;
}

// NCCL's profiling aliases: bytedeco's libjninccl.so references both families.
#define EMU_PNCCL(name) \
  EMU_EXPORT extern __typeof__(name) p##name __attribute__((alias(#name)));
EMU_PNCCL(ncclGetErrorString)
EMU_PNCCL(ncclGetVersion)
EMU_PNCCL(ncclGetUniqueId)
EMU_PNCCL(ncclCommInitRank)
EMU_PNCCL(ncclCommInitAll)
EMU_PNCCL(ncclCommDestroy)
EMU_PNCCL(ncclCommAbort)
EMU_PNCCL(ncclCommGetAsyncError)
EMU_PNCCL(ncclCommCount)
EMU_PNCCL(ncclCommCuDevice)
EMU_PNCCL(ncclCommUserRank)
EMU_PNCCL(ncclAllReduce)
EMU_PNCCL(ncclReduce)
EMU_PNCCL(ncclBroadcast)
EMU_PNCCL(ncclBcast)
EMU_PNCCL(ncclAllGather)
EMU_PNCCL(ncclReduceScatter)
EMU_PNCCL(ncclGroupStart)
EMU_PNCCL(ncclGroupEnd)
EMU_PNCCL(ncclSend)
EMU_PNCCL(ncclRecv)
EMU_PNCCL(ncclRedOpCreatePreMulSum)
EMU_PNCCL(ncclRedOpDestroy)

}  // extern "C"
