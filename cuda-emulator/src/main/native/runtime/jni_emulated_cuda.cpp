// Natives of the test-side class dev.alexnet4j.cudaemu.EmulatedCuda, exported from the JCuda
// runtime replacement: they resolve once jcuda.runtime.JCuda has loaded this library (natives are
// looked up in every library loaded by the class loader).
#include <jni.h>

#include <cstdlib>

#include "emu_core.h"

extern "C" {

// What is still alive in the emulator (allocations and handles), one line each; "" when nothing.
JNIEXPORT jstring JNICALL Java_dev_alexnet4j_cudaemu_EmulatedCuda_liveReport(JNIEnv* env, jclass) {
  char* report = emu_live_report();
  jstring text = env->NewStringUTF(report != nullptr ? report : "");
  free(report);
  return text;
}

JNIEXPORT jint JNICALL Java_dev_alexnet4j_cudaemu_EmulatedCuda_deviceCount(JNIEnv*, jclass) {
  return emu_device_count();
}

// Bytes of device memory live on `device` (what cudaMalloc handed out and cudaFree has not taken
// back); -1 for a device that does not exist.
JNIEXPORT jlong JNICALL Java_dev_alexnet4j_cudaemu_EmulatedCuda_memoryUsed0(JNIEnv*, jclass,
                                                                           jint device) {
  if (!emu_device_valid(device)) return -1;
  return (jlong)emu_device_memory_used(device);
}

}  // extern "C"
