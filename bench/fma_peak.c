// The CPU's single-precision FMA peak, measured: every thread runs independent chains of vector
// FMAs (enough chains to hide the FMA latency on both FMA ports) for a fixed time, and the flops
// done per second are summed over the threads. The figure performance reports compare against.
//
//   cc -O2 -pthread bench/fma_peak.c -o fma_peak && ./fma_peak [threads] [seconds]
//
// It prints one line per instruction set the CPU has (AVX2+FMA, AVX-512F): GFLOP/s and flops per
// cycle are not assumed from the model name; on CPUs that split 512-bit FMAs into two 256-bit
// halves (AMD Zen 4) both lines come out about equal.
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define CHAINS 12
#define INNER 100000L

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct {
  int avx512;
  double seconds;
  double flops;
  float sink;
} job;

// Twelve named accumulators, not an array: an array indexed in a loop may live in memory, and
// then the loop measures loads and stores instead of FMAs.
#define STEP(fma)                                                                               \
  a0 = fma(a0, a, b), a1 = fma(a1, a, b), a2 = fma(a2, a, b), a3 = fma(a3, a, b),             \
  a4 = fma(a4, a, b), a5 = fma(a5, a, b), a6 = fma(a6, a, b), a7 = fma(a7, a, b),             \
  a8 = fma(a8, a, b), a9 = fma(a9, a, b), a10 = fma(a10, a, b), a11 = fma(a11, a, b)

__attribute__((target("avx2,fma"))) static double run_avx2(double seconds, float *sink) {
  __m256 a0 = _mm256_set1_ps(0), a1 = _mm256_set1_ps(1), a2 = _mm256_set1_ps(2), a3 = _mm256_set1_ps(3), a4 = _mm256_set1_ps(4),
         a5 = _mm256_set1_ps(5), a6 = _mm256_set1_ps(6), a7 = _mm256_set1_ps(7), a8 = _mm256_set1_ps(8), a9 = _mm256_set1_ps(9),
         a10 = _mm256_set1_ps(10), a11 = _mm256_set1_ps(11);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  double flops = 0, start = now();
  while (now() - start < seconds) {
    for (long n = 0; n < INNER; n++) {
      STEP(_mm256_fmadd_ps);
    }
    flops += 2.0 * 8 * CHAINS * INNER;
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                           _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  *sink = lanes[0];
  return flops;
}

__attribute__((target("avx512f"))) static double run_avx512(double seconds, float *sink) {
  __m512 a0 = _mm512_set1_ps(0), a1 = _mm512_set1_ps(1), a2 = _mm512_set1_ps(2), a3 = _mm512_set1_ps(3), a4 = _mm512_set1_ps(4),
         a5 = _mm512_set1_ps(5), a6 = _mm512_set1_ps(6), a7 = _mm512_set1_ps(7), a8 = _mm512_set1_ps(8), a9 = _mm512_set1_ps(9),
         a10 = _mm512_set1_ps(10), a11 = _mm512_set1_ps(11);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  double flops = 0, start = now();
  while (now() - start < seconds) {
    for (long n = 0; n < INNER; n++) {
      STEP(_mm512_fmadd_ps);
    }
    flops += 2.0 * 16 * CHAINS * INNER;
  }
  __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                           _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
  s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
  *sink = _mm512_reduce_add_ps(s);
  return flops;
}

static void *work(void *arg) {
  job *j = arg;
  j->flops = j->avx512 ? run_avx512(j->seconds, &j->sink) : run_avx2(j->seconds, &j->sink);
  return NULL;
}

static void measure(const char *name, int avx512, int threads, double seconds) {
  pthread_t ids[threads];
  job jobs[threads];
  double start = now();
  for (int t = 0; t < threads; t++) {
    jobs[t] = (job){avx512, seconds, 0, 0};
    pthread_create(&ids[t], NULL, work, &jobs[t]);
  }
  double flops = 0, sink = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(ids[t], NULL);
    flops += jobs[t].flops;
    sink += jobs[t].sink;
  }
  double elapsed = now() - start;
  printf("%-9s %d threads: %7.1f GFLOP/s single precision (%.1f s; checksum %g)\n", name, threads,
         flops / elapsed * 1e-9, elapsed, sink);
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : (int)sysconf(_SC_NPROCESSORS_ONLN);
  double seconds = argc > 2 ? atof(argv[2]) : 3;
  if (threads < 1 || threads > 1024 || seconds <= 0) {
    fprintf(stderr, "usage: %s [threads >= 1] [seconds > 0]\n", argv[0]);
    return 2;
  }
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    fprintf(stderr, "this CPU has no AVX2+FMA: nothing to measure\n");
    return 1;
  }
  measure("AVX2+FMA", 0, threads, seconds);
  if (__builtin_cpu_supports("avx512f")) measure("AVX-512F", 1, threads, seconds);
  return 0;
}
