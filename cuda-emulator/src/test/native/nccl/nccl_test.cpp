// The emulated NCCL across real processes: the test forks 2 and 4 ranks, each on its own emulated
// device memory, and checks every rank's results against sums computed in rank order (so results
// must be bit-identical on all ranks), plus the refusals: bad arguments, host memory, mismatched
// calls, a duplicate rank, ranks that never come, an abort and a peer that exits.
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <functional>
#include <thread>
#include <vector>

#include "emu_core.h"

// ---- nccl.h of NCCL 2.11.4 (the part used here) ----------------------------------------------
extern "C" {
typedef struct ncclComm* ncclComm_t;
typedef struct {
  char internal[128];
} ncclUniqueId;
enum {
  ncclSuccess = 0,
  ncclSystemError = 2,
  ncclInvalidArgument = 4,
  ncclInvalidUsage = 5
};
enum { ncclSum = 0, ncclProd = 1, ncclMax = 2, ncclMin = 3, ncclAvg = 4 };
enum {
  ncclInt8 = 0,
  ncclUint8 = 1,
  ncclInt32 = 2,
  ncclInt64 = 4,
  ncclFloat16 = 6,
  ncclFloat32 = 7,
  ncclFloat64 = 8,
  ncclBfloat16 = 9
};
int ncclGetVersion(int* version);
int ncclGetUniqueId(ncclUniqueId* id);
int ncclCommInitRank(ncclComm_t* comm, int nranks, ncclUniqueId id, int rank);
int ncclCommDestroy(ncclComm_t comm);
int ncclCommAbort(ncclComm_t comm);
int ncclCommCount(ncclComm_t comm, int* count);
int ncclCommUserRank(ncclComm_t comm, int* rank);
int ncclCommCuDevice(ncclComm_t comm, int* device);
int ncclCommGetAsyncError(ncclComm_t comm, int* error);
const char* ncclGetErrorString(int result);
int ncclAllReduce(const void* send, void* recv, size_t count, int type, int op, ncclComm_t comm,
                  void* stream);
int ncclReduce(const void* send, void* recv, size_t count, int type, int op, int root,
               ncclComm_t comm, void* stream);
int ncclBroadcast(const void* send, void* recv, size_t count, int type, int root, ncclComm_t comm,
                  void* stream);
int ncclBcast(void* buff, size_t count, int type, int root, ncclComm_t comm, void* stream);
int ncclAllGather(const void* send, void* recv, size_t count, int type, ncclComm_t comm,
                  void* stream);
int ncclReduceScatter(const void* send, void* recv, size_t count, int type, int op,
                      ncclComm_t comm, void* stream);
int ncclSend(const void* send, size_t count, int type, int peer, ncclComm_t comm, void* stream);
int pncclAllReduce(const void* send, void* recv, size_t count, int type, int op, ncclComm_t comm,
                   void* stream);
}

// ---- a child's checks ----------------------------------------------------------------------

static int failures = 0;
static int my_rank = -1;
#define CHECK(cond)                                                                     \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      fprintf(stderr, "FAILED rank %d %s:%d: %s\n", my_rank, __FILE__, __LINE__, #cond); \
      failures++;                                                                       \
    }                                                                                   \
  } while (0)

template <typename T>
static T* device_array(size_t count) {
  emu_status status;
  T* p = static_cast<T*>(emu_device_alloc(emu_current_device(), count * sizeof(T), &status));
  if (p == nullptr) {
    fprintf(stderr, "emu_device_alloc of %zu bytes failed\n", count * sizeof(T));
    exit(3);
  }
  return p;
}

// Not integers: a different summation order would change the bits.
static float input(int rank, size_t i) { return 1.0f / float(i % 977 + 1) + 0.1f * rank; }

static uint64_t fnv(const void* data, size_t bytes) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < bytes; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

static ncclComm_t join(const ncclUniqueId& id, int nranks, int rank) {
  ncclComm_t comm = nullptr;
  int status = ncclCommInitRank(&comm, nranks, id, rank);
  CHECK(status == ncclSuccess);
  if (status != ncclSuccess) exit(4);
  return comm;
}

// The main scenario; returns a digest of the results, equal on every rank.
static uint64_t collectives(const ncclUniqueId& id, int nranks, int rank) {
  const size_t count = 600001;  // 2.4 MB of floats: three 1 MiB slot chunks, the last partial
  ncclComm_t comm = join(id, nranks, rank);
  int value = -1;
  CHECK(ncclCommCount(comm, &value) == ncclSuccess && value == nranks);
  CHECK(ncclCommUserRank(comm, &value) == ncclSuccess && value == rank);
  CHECK(ncclCommCuDevice(comm, &value) == ncclSuccess && value == emu_current_device());
  CHECK(ncclCommGetAsyncError(comm, &value) == ncclSuccess && value == ncclSuccess);
  uint64_t digest = 0;

  // allreduce float sum, out of place and in place, against the rank-order sum
  float* send = device_array<float>(count);
  float* recv = device_array<float>(count);
  for (size_t i = 0; i < count; i++) send[i] = input(rank, i);
  CHECK(ncclAllReduce(send, recv, count, ncclFloat32, ncclSum, comm, nullptr) == ncclSuccess);
  size_t bad = 0;
  for (size_t i = 0; i < count; i++) {
    float expected = input(0, i);
    for (int r = 1; r < nranks; r++) expected += input(r, i);
    if (memcmp(&expected, &recv[i], 4) != 0) bad++;
    if (send[i] != input(rank, i)) bad++;  // out of place leaves sendbuff alone
  }
  CHECK(bad == 0);
  digest ^= fnv(recv, count * 4);
  CHECK(pncclAllReduce(send, send, count, ncclFloat32, ncclSum, comm, nullptr) == ncclSuccess);
  CHECK(memcmp(send, recv, count * 4) == 0);

  // broadcast from the last rank, by bytes, out of place then in place
  unsigned char* bytes = device_array<unsigned char>(count * 4 + 3);
  unsigned char* out = device_array<unsigned char>(count * 4 + 3);
  for (size_t i = 0; i < count * 4 + 3; i++) bytes[i] = (unsigned char)(i * 31 + rank * 7);
  int root = nranks - 1;
  CHECK(ncclBroadcast(bytes, out, count * 4 + 3, ncclInt8, root, comm, nullptr) == ncclSuccess);
  bad = 0;
  for (size_t i = 0; i < count * 4 + 3; i++) {
    if (out[i] != (unsigned char)(i * 31 + root * 7)) bad++;
  }
  CHECK(bad == 0);
  CHECK(ncclBcast(bytes, count * 4 + 3, ncclUint8, 0, comm, nullptr) == ncclSuccess);
  bad = 0;
  for (size_t i = 0; i < count * 4 + 3; i++) {
    if (bytes[i] != (unsigned char)(i * 31)) bad++;
  }
  CHECK(bad == 0);
  digest ^= fnv(out, count * 4 + 3) * 3;

  // other types and ops
  int32_t* ints = device_array<int32_t>(5);
  for (int i = 0; i < 5; i++) ints[i] = (rank + 1) * (i - 2);
  CHECK(ncclAllReduce(ints, ints, 5, ncclInt32, ncclMax, comm, nullptr) == ncclSuccess);
  for (int i = 0; i < 5; i++) CHECK(ints[i] == (i - 2 >= 0 ? nranks * (i - 2) : i - 2));
  double* doubles = device_array<double>(3);
  for (int i = 0; i < 3; i++) doubles[i] = rank + i;
  CHECK(ncclAllReduce(doubles, doubles, 3, ncclFloat64, ncclAvg, comm, nullptr) == ncclSuccess);
  for (int i = 0; i < 3; i++) CHECK(doubles[i] == (nranks - 1) / 2.0 + i);
  _Float16* halves = device_array<_Float16>(2);
  halves[0] = _Float16(0.5f);
  halves[1] = _Float16(float(rank));
  CHECK(ncclAllReduce(halves, halves, 2, ncclFloat16, ncclSum, comm, nullptr) == ncclSuccess);
  CHECK(float(halves[0]) == 0.5f * nranks);
  CHECK(float(halves[1]) == nranks * (nranks - 1) / 2.0f);
  uint16_t* bf = device_array<uint16_t>(1);
  bf[0] = 0x3fc0;  // 1.5
  CHECK(ncclAllReduce(bf, bf, 1, ncclBfloat16, ncclProd, comm, nullptr) == ncclSuccess);
  {
    float p = 1;
    for (int r = 0; r < nranks; r++) p *= 1.5f;
    uint32_t u;
    memcpy(&u, &p, 4);
    CHECK(bf[0] == (u >> 16));  // 1.5^n is exact in bfloat16 for n <= 4
  }
  int64_t* longs = device_array<int64_t>(4);
  int64_t* sum = device_array<int64_t>(4);
  for (int i = 0; i < 4; i++) longs[i] = (int64_t(rank) << 40) + i;
  CHECK(ncclReduce(longs, sum, 4, ncclInt64, ncclSum, 1 % nranks, comm, nullptr) == ncclSuccess);
  if (rank == 1 % nranks) {
    for (int i = 0; i < 4; i++) {
      CHECK(sum[i] == (int64_t(nranks * (nranks - 1) / 2) << 40) + int64_t(nranks) * i);
    }
  }

  // allgather and reduce-scatter, large enough to take several chunks
  const size_t part = 300007;
  int32_t* mine = device_array<int32_t>(part);
  int32_t* all = device_array<int32_t>(part * nranks);
  for (size_t i = 0; i < part; i++) mine[i] = int32_t(rank * 1000000 + i);
  CHECK(ncclAllGather(mine, all, part, ncclInt32, comm, nullptr) == ncclSuccess);
  bad = 0;
  for (int r = 0; r < nranks; r++) {
    for (size_t i = 0; i < part; i++) {
      if (all[r * part + i] != int32_t(r * 1000000 + i)) bad++;
    }
  }
  CHECK(bad == 0);
  int32_t* scattered = device_array<int32_t>(part);
  CHECK(ncclReduceScatter(all, scattered, part, ncclInt32, ncclSum, comm, nullptr) ==
        ncclSuccess);
  bad = 0;
  for (size_t i = 0; i < part; i++) {
    if (scattered[i] != int32_t(rank * 1000000 + i) * nranks) bad++;
  }
  CHECK(bad == 0);

  // a stream of the communicator's device is fine, one of another device is refused
  emu_stream* stream = emu_stream_create(emu_current_device());
  emu_stream* other = emu_stream_create(1 - emu_current_device());
  CHECK(ncclAllReduce(ints, ints, 5, ncclInt32, ncclMin, comm, stream) == ncclSuccess);
  CHECK(ncclAllReduce(ints, ints, 5, ncclInt32, ncclMin, comm, other) == ncclInvalidArgument);
  emu_stream_destroy(stream);
  emu_stream_destroy(other);

  // refusals before anything moves (local, so no rank waits for another)
  float host[4] = {0, 0, 0, 0};
  CHECK(ncclAllReduce(host, host, 4, ncclFloat32, ncclSum, comm, nullptr) == ncclInvalidArgument);
  CHECK(ncclAllReduce(send, recv, count + 1, ncclFloat32, ncclSum, comm, nullptr) ==
        ncclInvalidArgument);
  CHECK(ncclAllReduce(send, recv, 4, 42, ncclSum, comm, nullptr) == ncclInvalidArgument);
  CHECK(ncclAllReduce(send, recv, 4, ncclFloat32, 9, comm, nullptr) == ncclInvalidArgument);
  CHECK(ncclBroadcast(send, recv, 4, ncclFloat32, nranks, comm, nullptr) == ncclInvalidArgument);
  CHECK(ncclSend(send, 4, ncclFloat32, 0, comm, nullptr) == ncclInvalidUsage);
  CHECK(ncclAllReduce(send, recv, 0, ncclFloat32, ncclSum, comm, nullptr) == ncclSuccess);

  // mismatched calls fail on every rank
  if (nranks > 1) {
    CHECK(ncclAllReduce(send, recv, rank == 0 ? 8 : 4, ncclFloat32, ncclSum, comm, nullptr) ==
          ncclInvalidUsage);
  }

  CHECK(ncclCommDestroy(comm) == ncclSuccess);
  CHECK(ncclCommDestroy(comm) == ncclInvalidArgument);
  CHECK(ncclAllReduce(send, recv, 4, ncclFloat32, ncclSum, comm, nullptr) == ncclInvalidArgument);
  for (void* p : std::vector<void*>{send, recv, bytes, out, ints, doubles, halves, bf, longs, sum,
                                    mine, all, scattered}) {
    CHECK(emu_device_free(p) == EMU_OK);
  }
  return digest;
}

// ---- the parent --------------------------------------------------------------------------------

static int parent_failures = 0;
#define EXPECT(cond)                                                          \
  do {                                                                        \
    if (!(cond)) {                                                            \
      fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond);       \
      parent_failures++;                                                      \
    }                                                                         \
  } while (0)

struct Outcome {
  int status;          // exit status, or 128 + signal
  uint64_t digest;     // what the child wrote on its pipe
};

// Forks one child per rank; each runs body(rank) on device rank % 2 and exits with 0 when its
// checks passed. Kills them all after `limit_s`.
static std::vector<Outcome> fork_ranks(int nranks, int limit_s,
                                       const std::function<uint64_t(int)>& body) {
  std::vector<pid_t> pids;
  std::vector<int> pipes;
  fflush(nullptr);
  for (int r = 0; r < nranks; r++) {
    int fd[2];
    if (pipe(fd) != 0) abort();
    pid_t pid = fork();
    if (pid == 0) {
      close(fd[0]);
      alarm(limit_s);
      my_rank = r;
      emu_set_current_device(r % 2);
      uint64_t digest = body(r);
      if (write(fd[1], &digest, sizeof digest) != sizeof digest) failures++;
      exit(failures == 0 ? 0 : 1);  // exit, not _exit: the core's leak check runs
    }
    close(fd[1]);
    pids.push_back(pid);
    pipes.push_back(fd[0]);
  }
  std::vector<Outcome> outcomes;
  for (int r = 0; r < nranks; r++) {
    Outcome o = {-1, 0};
    if (read(pipes[r], &o.digest, sizeof o.digest) != sizeof o.digest) o.digest = 0;
    close(pipes[r]);
    int status = 0;
    waitpid(pids[r], &status, 0);
    o.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (o.status != 0) fprintf(stderr, "rank %d of %d ended with %d\n", r, nranks, o.status);
    outcomes.push_back(o);
  }
  return outcomes;
}

static ncclUniqueId new_id() {
  ncclUniqueId id;
  if (ncclGetUniqueId(&id) != ncclSuccess) abort();
  return id;
}

static int leftover_segments() {
  glob_t g;
  int n = glob("/dev/shm/alexnet4j-nccl-*", 0, nullptr, &g) == 0 ? int(g.gl_pathc) : 0;
  globfree(&g);
  return n;
}

static void run_collectives(int nranks) {
  ncclUniqueId id = new_id();
  std::vector<Outcome> o =
      fork_ranks(nranks, 60, [&](int rank) { return collectives(id, nranks, rank); });
  for (int r = 0; r < nranks; r++) {
    EXPECT(o[r].status == 0);
    EXPECT(o[r].digest == o[0].digest);
  }
  printf("nccl: %d ranks: collectives %s\n", nranks, parent_failures == 0 ? "ok" : "FAILED");
}

int main() {
  setenv("ALEXNET4J_CUDA_EMU_NCCL_TIMEOUT_S", "2", 1);
  int before = leftover_segments();
  int version = 0;
  EXPECT(ncclGetVersion(&version) == ncclSuccess && version == 21104);
  EXPECT(strcmp(ncclGetErrorString(ncclInvalidUsage), "invalid usage") == 0);
  ncclUniqueId a = new_id(), b = new_id();
  EXPECT(memcmp(&a, &b, sizeof a) != 0);

  run_collectives(2);
  run_collectives(4);
  run_collectives(1);

  // argument refusals, in this process
  {
    ncclComm_t comm = nullptr;
    EXPECT(ncclCommInitRank(&comm, 0, a, 0) == ncclInvalidArgument);
    EXPECT(ncclCommInitRank(&comm, 2, a, 2) == ncclInvalidArgument);
    EXPECT(ncclCommInitRank(&comm, 2, a, -1) == ncclInvalidArgument);
    EXPECT(ncclCommInitRank(nullptr, 2, a, 0) == ncclInvalidArgument);
    ncclUniqueId junk;
    memset(&junk, 7, sizeof junk);
    EXPECT(ncclCommInitRank(&comm, 2, junk, 0) == ncclInvalidArgument);
    EXPECT(ncclCommDestroy(nullptr) == ncclSuccess && ncclCommAbort(nullptr) == ncclSuccess);
  }

  // a rank that never comes: the other times out with ncclSystemError, leaving no segment
  {
    ncclUniqueId id = new_id();
    double t0 = time(nullptr);
    std::vector<Outcome> o = fork_ranks(1, 20, [&](int) {
      ncclComm_t comm = nullptr;
      CHECK(ncclCommInitRank(&comm, 2, id, 0) == ncclSystemError);
      return uint64_t(0);
    });
    EXPECT(o[0].status == 0);
    EXPECT(time(nullptr) - t0 <= 10);
  }

  // the same rank twice: the second is refused; the first then times out
  {
    ncclUniqueId id = new_id();
    std::vector<Outcome> o = fork_ranks(2, 20, [&](int rank) {
      ncclComm_t comm = nullptr;
      if (rank == 1) usleep(300 * 1000);
      int status = ncclCommInitRank(&comm, 2, id, 0);
      CHECK(status == (rank == 0 ? ncclSystemError : ncclInvalidUsage));
      return uint64_t(0);
    });
    EXPECT(o[0].status == 0 && o[1].status == 0);
  }

  // nranks that differ between ranks
  {
    ncclUniqueId id = new_id();
    std::vector<Outcome> o = fork_ranks(2, 20, [&](int rank) {
      ncclComm_t comm = nullptr;
      if (rank == 1) usleep(300 * 1000);
      int status = ncclCommInitRank(&comm, rank == 0 ? 2 : 3, id, rank);
      CHECK(status == (rank == 0 ? ncclSystemError : ncclInvalidArgument));
      return uint64_t(0);
    });
    EXPECT(o[0].status == 0 && o[1].status == 0);
  }

  // an abort on one rank ends the other's wait in a collective
  {
    ncclUniqueId id = new_id();
    std::vector<Outcome> o = fork_ranks(2, 20, [&](int rank) {
      ncclComm_t comm = join(id, 2, rank);
      float* data = device_array<float>(16);
      if (rank == 1) {
        usleep(300 * 1000);
        CHECK(ncclCommAbort(comm) == ncclSuccess);
      } else {
        CHECK(ncclAllReduce(data, data, 16, ncclFloat32, ncclSum, comm, nullptr) ==
              ncclSystemError);
        int error = 0;
        CHECK(ncclCommGetAsyncError(comm, &error) == ncclSuccess && error == ncclSystemError);
        CHECK(ncclCommDestroy(comm) == ncclSuccess);
      }
      emu_device_free(data);
      return uint64_t(0);
    });
    EXPECT(o[0].status == 0 && o[1].status == 0);
  }

  // a peer that exits: the other's collective fails instead of waiting forever
  {
    ncclUniqueId id = new_id();
    std::vector<Outcome> o = fork_ranks(2, 20, [&](int rank) {
      ncclComm_t comm = join(id, 2, rank);
      if (rank == 1) _exit(0);
      float* data = device_array<float>(16);
      CHECK(ncclAllReduce(data, data, 16, ncclFloat32, ncclSum, comm, nullptr) ==
            ncclSystemError);
      CHECK(ncclCommDestroy(comm) == ncclSuccess);
      emu_device_free(data);
      return uint64_t(0);
    });
    EXPECT(o[0].status == 0);
  }

  // an abort from another thread while this one waits (the Java watchdog's way)
  {
    ncclUniqueId id = new_id();
    std::vector<Outcome> o = fork_ranks(2, 20, [&](int rank) {
      ncclComm_t comm = join(id, 2, rank);
      float* data = device_array<float>(16);
      if (rank == 0) {
        std::thread watchdog([comm] {
          usleep(300 * 1000);
          ncclCommAbort(comm);
        });
        CHECK(ncclAllReduce(data, data, 16, ncclFloat32, ncclSum, comm, nullptr) ==
              ncclSystemError);
        watchdog.join();
      } else {
        usleep(1500 * 1000);  // never calls the collective; rank 0's abort frees it
        CHECK(ncclCommDestroy(comm) == ncclSuccess);
      }
      emu_device_free(data);
      return uint64_t(0);
    });
    EXPECT(o[0].status == 0 && o[1].status == 0);
  }

  EXPECT(leftover_segments() == before);
  printf("nccl: %s\n", parent_failures == 0 ? "all ok" : "FAILED");
  return parent_failures == 0 ? 0 : 1;
}
