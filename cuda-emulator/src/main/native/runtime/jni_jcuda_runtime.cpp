// The native methods of jcuda.runtime.JCuda (JCuda 11.7.0) that alexnet4j calls, in place of
// JCuda's libJCudaRuntime, whose static CUDA runtime cannot be emulated below it. Each one marshals
// its arguments as JCuda's own JCudaRuntime.cpp does (null arguments throw NullPointerException and
// return jcudaInternalError) and calls the emulated C runtime (emu_runtime.h).
//
// One addition over JCuda: a copy that would overrun the Java array or buffer behind a Pointer is
// refused with cudaErrorInvalidValue (and an emu_log line) instead of corrupting the heap.
#include <jni.h>

#include <cstddef>
#include <cstring>

#include "emu_runtime.h"
#include "jni_pointer.h"

namespace {

int log_level = 0;  // JCuda's LogLevel ordinal; kept, not used

jclass device_prop_class;

bool null_argument(JNIEnv* env, const void* argument, const char* name, const char* call) {
  if (argument != nullptr) return false;
  char message[160];
  snprintf(message, sizeof message, "Parameter '%s' is null for %s", name, call);
  emu_jni_throw(env, "java/lang/NullPointerException", message);
  return true;
}

// Writes value into array[0]; false with an exception pending when that fails.
bool set_first(JNIEnv* env, jintArray array, jint value) {
  env->SetIntArrayRegion(array, 0, 1, &value);
  return !env->ExceptionCheck();
}

cudaStream_t stream_of(JNIEnv* env, jobject stream) {
  return (cudaStream_t)emu_jni_native_pointer(env, stream);
}

cudaEvent_t event_of(JNIEnv* env, jobject event) {
  return (cudaEvent_t)emu_jni_native_pointer(env, event);
}

// JCuda's cudaMemcpy and cudaMemcpyAsync natives accept only the four explicit directions.
bool explicit_kind(jint kind) {
  return kind == cudaMemcpyHostToHost || kind == cudaMemcpyHostToDevice ||
         kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
}

// Shared by the copy natives: dst and src Pointers, the bytes each must hold, and the C call.
template <typename Call>
jint copy_between(JNIEnv* env, jobject dst, jlong dst_bytes, jobject src, jlong src_bytes,
                  const char* call, Call c_call) {
  char dst_what[96], src_what[96];
  snprintf(dst_what, sizeof dst_what, "%s dst", call);
  snprintf(src_what, sizeof src_what, "%s src", call);
  JniMemory dst_memory, src_memory;
  if (!dst_memory.init(env, dst, dst_what)) return kJCudaInternalError;
  if (!src_memory.init(env, src, src_what)) return kJCudaInternalError;
  if (!dst_memory.fits(dst_bytes) || !src_memory.fits(src_bytes)) {
    return emu_cudart_record_error(cudaErrorInvalidValue);
  }
  void* dst_address = nullptr;
  void* src_address = nullptr;
  // No JNI call between pinning and unpinning (the C call makes none either).
  bool pinned = dst_memory.address(env, &dst_address) && src_memory.address(env, &src_address);
  if (!pinned) {
    src_memory.release(env, false);
    dst_memory.release(env, false);
    return kJCudaInternalError;
  }
  jint result = c_call(dst_address, src_address);
  // Arrays unpin first; only then may an array of pointers write its values back (JNI calls).
  bool released = src_memory.release(env, false);
  released = dst_memory.release(env, true) && released;
  return released && !env->ExceptionCheck() ? result : kJCudaInternalError;
}

// cudaDeviceProp's Java fields and where the C struct keeps them.
struct PropField {
  const char* name;
  char type;  // 'I' int, 'J' size_t, 'A' int[length]
  size_t offset;
  int length;
};
#define PROP_INT(f) {#f, 'I', offsetof(struct cudaDeviceProp, f), 0}
#define PROP_SIZE(f) {#f, 'J', offsetof(struct cudaDeviceProp, f), 0}
#define PROP_INTS(f, n) {#f, 'A', offsetof(struct cudaDeviceProp, f), n}
const PropField kPropFields[] = {
    PROP_SIZE(totalGlobalMem), PROP_SIZE(sharedMemPerBlock), PROP_INT(regsPerBlock),
    PROP_INT(warpSize), PROP_SIZE(memPitch), PROP_INT(maxThreadsPerBlock),
    PROP_INTS(maxThreadsDim, 3), PROP_INTS(maxGridSize, 3), PROP_INT(clockRate),
    PROP_SIZE(totalConstMem), PROP_INT(major), PROP_INT(minor), PROP_SIZE(textureAlignment),
    PROP_SIZE(texturePitchAlignment), PROP_INT(deviceOverlap), PROP_INT(multiProcessorCount),
    PROP_INT(kernelExecTimeoutEnabled), PROP_INT(integrated), PROP_INT(canMapHostMemory),
    PROP_INT(computeMode), PROP_INT(maxTexture1D), PROP_INT(maxTexture1DMipmap),
    PROP_INT(maxTexture1DLinear), PROP_INTS(maxTexture2D, 2), PROP_INTS(maxTexture2DMipmap, 2),
    PROP_INTS(maxTexture2DLinear, 3), PROP_INTS(maxTexture2DGather, 2),
    PROP_INTS(maxTexture3D, 3), PROP_INTS(maxTexture3DAlt, 3), PROP_INT(maxTextureCubemap),
    PROP_INTS(maxTexture1DLayered, 2), PROP_INTS(maxTexture2DLayered, 3),
    PROP_INTS(maxTextureCubemapLayered, 2), PROP_INT(maxSurface1D), PROP_INTS(maxSurface2D, 2),
    PROP_INTS(maxSurface3D, 3), PROP_INTS(maxSurface1DLayered, 2),
    PROP_INTS(maxSurface2DLayered, 3), PROP_INT(maxSurfaceCubemap),
    PROP_INTS(maxSurfaceCubemapLayered, 2), PROP_SIZE(surfaceAlignment),
    PROP_INT(concurrentKernels), PROP_INT(ECCEnabled), PROP_INT(pciBusID), PROP_INT(pciDeviceID),
    PROP_INT(pciDomainID), PROP_INT(tccDriver), PROP_INT(asyncEngineCount),
    PROP_INT(unifiedAddressing), PROP_INT(memoryClockRate), PROP_INT(memoryBusWidth),
    PROP_INT(l2CacheSize), PROP_INT(persistingL2CacheMaxSize),
    PROP_INT(maxThreadsPerMultiProcessor), PROP_INT(streamPrioritiesSupported),
    PROP_INT(globalL1CacheSupported), PROP_INT(localL1CacheSupported),
    PROP_SIZE(sharedMemPerMultiprocessor), PROP_INT(regsPerMultiprocessor),
    PROP_INT(managedMemory), PROP_INT(isMultiGpuBoard), PROP_INT(multiGpuBoardGroupID),
    PROP_INT(hostNativeAtomicSupported), PROP_INT(singleToDoublePrecisionPerfRatio),
    PROP_INT(pageableMemoryAccess), PROP_INT(concurrentManagedAccess),
    PROP_INT(computePreemptionSupported), PROP_INT(canUseHostPointerForRegisteredMem),
    PROP_INT(cooperativeLaunch), PROP_INT(cooperativeMultiDeviceLaunch),
    PROP_SIZE(sharedMemPerBlockOptin), PROP_INT(pageableMemoryAccessUsesHostPageTables),
    PROP_INT(directManagedMemAccessFromHost), PROP_INT(maxBlocksPerMultiProcessor),
    PROP_INT(accessPolicyMaxWindowSize), PROP_SIZE(reservedSharedMemPerBlock),
    {"luidDeviceNodeMask", 'I', offsetof(struct cudaDeviceProp, luidDeviceNodeMask), 0},
};
#undef PROP_INT
#undef PROP_SIZE
#undef PROP_INTS

// Fields a JCuda version lacks are skipped (GetFieldID fails, its exception is cleared).
jfieldID prop_field(JNIEnv* env, const char* name, const char* signature) {
  jfieldID id = env->GetFieldID(device_prop_class, name, signature);
  if (id == nullptr) env->ExceptionClear();
  return id;
}

bool set_byte_array_field(JNIEnv* env, jobject object, jfieldID field, const char* bytes,
                          jsize length) {
  jbyteArray array = env->NewByteArray(length);
  if (array == nullptr) return false;
  env->SetByteArrayRegion(array, 0, length, (const jbyte*)bytes);
  env->SetObjectField(object, field, array);
  env->DeleteLocalRef(array);
  return !env->ExceptionCheck();
}

bool write_device_prop(JNIEnv* env, jobject prop, const struct cudaDeviceProp& p) {
  if (jfieldID f = prop_field(env, "name", "[B")) {
    if (!set_byte_array_field(env, prop, f, p.name, sizeof p.name)) return false;
  }
  if (jfieldID f = prop_field(env, "luid", "[B")) {
    if (!set_byte_array_field(env, prop, f, p.luid, sizeof p.luid)) return false;
  }
  const char* base = (const char*)&p;
  for (const PropField& field : kPropFields) {
    if (field.type == 'I') {
      jfieldID f = prop_field(env, field.name, "I");
      if (f) env->SetIntField(prop, f, *(const int*)(base + field.offset));
    } else if (field.type == 'J') {
      jfieldID f = prop_field(env, field.name, "J");
      if (f) env->SetLongField(prop, f, (jlong) * (const size_t*)(base + field.offset));
    } else {
      jfieldID f = prop_field(env, field.name, "[I");
      if (!f) continue;
      jintArray array = env->NewIntArray(field.length);
      if (array == nullptr) return false;
      env->SetIntArrayRegion(array, 0, field.length, (const jint*)(base + field.offset));
      env->SetObjectField(prop, f, array);
      env->DeleteLocalRef(array);
    }
    if (env->ExceptionCheck()) return false;
  }
  return true;
}

}  // namespace

extern "C" {

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void*) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv((void**)&env, JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
  if (emu_jni_pointer_init(env) == JNI_ERR) return JNI_ERR;
  jclass prop = env->FindClass("jcuda/runtime/cudaDeviceProp");
  if (prop == nullptr) return JNI_ERR;
  device_prop_class = (jclass)env->NewGlobalRef(prop);
  env->DeleteLocalRef(prop);
  return JNI_VERSION_1_6;
}

JNIEXPORT void JNICALL Java_jcuda_runtime_JCuda_setLogLevel(JNIEnv*, jclass, jint level) {
  log_level = level;
}

// ---- devices ----

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaGetDeviceCountNative(JNIEnv* env, jclass,
                                                                         jintArray count) {
  if (null_argument(env, count, "count", "cudaGetDeviceCount")) return kJCudaInternalError;
  int n = 0;
  jint result = cudaGetDeviceCount(&n);
  if (!set_first(env, count, n)) return kJCudaInternalError;
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaSetDeviceNative(JNIEnv*, jclass, jint device) {
  return cudaSetDevice(device);
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaGetDeviceNative(JNIEnv* env, jclass,
                                                                    jintArray device) {
  if (null_argument(env, device, "device", "cudaGetDevice")) return kJCudaInternalError;
  int d = 0;
  jint result = cudaGetDevice(&d);
  if (!set_first(env, device, d)) return kJCudaInternalError;
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaGetDevicePropertiesNative(JNIEnv* env, jclass,
                                                                              jobject prop,
                                                                              jint device) {
  if (null_argument(env, prop, "prop", "cudaGetDeviceProperties")) return kJCudaInternalError;
  struct cudaDeviceProp p;
  memset(&p, 0, sizeof p);
  jint result = cudaGetDeviceProperties(&p, device);
  if (result == cudaSuccess && !write_device_prop(env, prop, p)) return kJCudaInternalError;
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaDriverGetVersionNative(JNIEnv* env, jclass,
                                                                           jintArray version) {
  if (null_argument(env, version, "driverVersion", "cudaDriverGetVersion")) {
    return kJCudaInternalError;
  }
  int v = 0;
  jint result = cudaDriverGetVersion(&v);
  if (!set_first(env, version, v)) return kJCudaInternalError;
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaRuntimeGetVersionNative(JNIEnv* env, jclass,
                                                                            jintArray version) {
  if (null_argument(env, version, "runtimeVersion", "cudaRuntimeGetVersion")) {
    return kJCudaInternalError;
  }
  int v = 0;
  jint result = cudaRuntimeGetVersion(&v);
  if (!set_first(env, version, v)) return kJCudaInternalError;
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaDeviceSynchronizeNative(JNIEnv*, jclass) {
  return cudaDeviceSynchronize();
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaDeviceCanAccessPeerNative(
    JNIEnv* env, jclass, jintArray canAccessPeer, jint device, jint peerDevice) {
  if (null_argument(env, canAccessPeer, "canAccessPeer", "cudaDeviceCanAccessPeer")) {
    return kJCudaInternalError;
  }
  int can = 0;
  jint result = cudaDeviceCanAccessPeer(&can, device, peerDevice);
  if (!set_first(env, canAccessPeer, can)) return kJCudaInternalError;
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaDeviceEnablePeerAccessNative(JNIEnv*, jclass,
                                                                                 jint peerDevice,
                                                                                 jint flags) {
  return cudaDeviceEnablePeerAccess(peerDevice, (unsigned int)flags);
}

// ---- memory ----

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaMallocNative(JNIEnv* env, jclass,
                                                                 jobject devPtr, jlong size) {
  if (null_argument(env, devPtr, "devPtr", "cudaMalloc")) return kJCudaInternalError;
  void* p = nullptr;
  jint result = cudaMalloc(&p, (size_t)size);
  emu_jni_set_pointer(env, devPtr, p);
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaFreeNative(JNIEnv* env, jclass,
                                                               jobject devPtr) {
  if (null_argument(env, devPtr, "devPtr", "cudaFree")) return kJCudaInternalError;
  return cudaFree(emu_jni_pointer_address(env, devPtr));
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaMallocHostNative(JNIEnv* env, jclass,
                                                                     jobject ptr, jlong size) {
  if (null_argument(env, ptr, "ptr", "cudaMallocHost")) return kJCudaInternalError;
  void* p = nullptr;
  jint result = cudaMallocHost(&p, (size_t)size);
  if (result == cudaSuccess && !emu_jni_set_host_pointer(env, ptr, p, size)) {
    cudaFreeHost(p);
    return kJCudaInternalError;
  }
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaFreeHostNative(JNIEnv* env, jclass,
                                                                   jobject ptr) {
  if (null_argument(env, ptr, "ptr", "cudaFreeHost")) return kJCudaInternalError;
  return cudaFreeHost(emu_jni_pointer_address(env, ptr));
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaMemcpyNative(JNIEnv* env, jclass, jobject dst,
                                                                 jobject src, jlong count,
                                                                 jint kind) {
  if (null_argument(env, dst, "dst", "cudaMemcpy")) return kJCudaInternalError;
  if (null_argument(env, src, "src", "cudaMemcpy")) return kJCudaInternalError;
  if (!explicit_kind(kind)) {
    emu_log("jcuda-runtime", "cudaMemcpy: JCuda's native refuses cudaMemcpyKind %d", kind);
    return cudaErrorInvalidMemcpyDirection;
  }
  return copy_between(env, dst, count, src, count, "cudaMemcpy", [&](void* d, void* s) {
    return (jint)cudaMemcpy(d, s, (size_t)count, (cudaMemcpyKind)kind);
  });
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaMemcpyAsyncNative(JNIEnv* env, jclass,
                                                                      jobject dst, jobject src,
                                                                      jlong count, jint kind,
                                                                      jobject stream) {
  if (null_argument(env, dst, "dst", "cudaMemcpyAsync")) return kJCudaInternalError;
  if (null_argument(env, src, "src", "cudaMemcpyAsync")) return kJCudaInternalError;
  if (!explicit_kind(kind)) {
    emu_log("jcuda-runtime", "cudaMemcpyAsync: JCuda's native refuses cudaMemcpyKind %d", kind);
    return cudaErrorInvalidMemcpyDirection;
  }
  cudaStream_t s = stream_of(env, stream);
  return copy_between(env, dst, count, src, count, "cudaMemcpyAsync", [&](void* d, void* sp) {
    return (jint)cudaMemcpyAsync(d, sp, (size_t)count, (cudaMemcpyKind)kind, s);
  });
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaMemcpy2DAsyncNative(
    JNIEnv* env, jclass, jobject dst, jlong dpitch, jobject src, jlong spitch, jlong width,
    jlong height, jint kind, jobject stream) {
  if (null_argument(env, dst, "dst", "cudaMemcpy2DAsync")) return kJCudaInternalError;
  if (null_argument(env, src, "src", "cudaMemcpy2DAsync")) return kJCudaInternalError;
  cudaStream_t s = stream_of(env, stream);
  jlong dst_bytes = height <= 0 ? 0 : dpitch * (height - 1) + width;
  jlong src_bytes = height <= 0 ? 0 : spitch * (height - 1) + width;
  return copy_between(env, dst, dst_bytes, src, src_bytes, "cudaMemcpy2DAsync",
                      [&](void* d, void* sp) {
                        return (jint)cudaMemcpy2DAsync(d, (size_t)dpitch, sp, (size_t)spitch,
                                                       (size_t)width, (size_t)height,
                                                       (cudaMemcpyKind)kind, s);
                      });
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaMemcpyPeerAsyncNative(
    JNIEnv* env, jclass, jobject dst, jint dstDevice, jobject src, jint srcDevice, jlong count,
    jobject stream) {
  if (null_argument(env, dst, "dst", "cudaMemcpyPeerAsync")) return kJCudaInternalError;
  if (null_argument(env, src, "src", "cudaMemcpyPeerAsync")) return kJCudaInternalError;
  cudaStream_t s = stream_of(env, stream);
  return copy_between(env, dst, count, src, count, "cudaMemcpyPeerAsync", [&](void* d, void* sp) {
    return (jint)cudaMemcpyPeerAsync(d, dstDevice, sp, srcDevice, (size_t)count, s);
  });
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaMemsetAsyncNative(JNIEnv* env, jclass,
                                                                      jobject devPtr, jint value,
                                                                      jlong count,
                                                                      jobject stream) {
  if (null_argument(env, devPtr, "devPtr", "cudaMemsetAsync")) return kJCudaInternalError;
  return cudaMemsetAsync(emu_jni_pointer_address(env, devPtr), value, (size_t)count,
                         stream_of(env, stream));
}

// ---- streams ----

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaStreamCreateNative(JNIEnv* env, jclass,
                                                                       jobject stream) {
  if (null_argument(env, stream, "pStream", "cudaStreamCreate")) return kJCudaInternalError;
  cudaStream_t s = nullptr;
  jint result = cudaStreamCreate(&s);
  emu_jni_set_pointer(env, stream, (void*)s);
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaStreamDestroyNative(JNIEnv* env, jclass,
                                                                        jobject stream) {
  return cudaStreamDestroy(stream_of(env, stream));
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaStreamSynchronizeNative(JNIEnv* env, jclass,
                                                                            jobject stream) {
  return cudaStreamSynchronize(stream_of(env, stream));
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaStreamWaitEventNative(JNIEnv* env, jclass,
                                                                          jobject stream,
                                                                          jobject event,
                                                                          jint flags) {
  if (null_argument(env, event, "event", "cudaStreamWaitEvent")) return kJCudaInternalError;
  return cudaStreamWaitEvent(stream_of(env, stream), event_of(env, event), (unsigned int)flags);
}

// ---- events ----

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaEventCreateNative(JNIEnv* env, jclass,
                                                                      jobject event) {
  if (null_argument(env, event, "event", "cudaEventCreate")) return kJCudaInternalError;
  cudaEvent_t e = nullptr;
  jint result = cudaEventCreate(&e);
  emu_jni_set_pointer(env, event, (void*)e);
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaEventCreateWithFlagsNative(JNIEnv* env,
                                                                               jclass,
                                                                               jobject event,
                                                                               jint flags) {
  if (null_argument(env, event, "event", "cudaEventCreateWithFlags")) return kJCudaInternalError;
  cudaEvent_t e = nullptr;
  jint result = cudaEventCreateWithFlags(&e, (unsigned int)flags);
  emu_jni_set_pointer(env, event, (void*)e);
  return result;
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaEventRecordNative(JNIEnv* env, jclass,
                                                                      jobject event,
                                                                      jobject stream) {
  if (null_argument(env, event, "event", "cudaEventRecord")) return kJCudaInternalError;
  return cudaEventRecord(event_of(env, event), stream_of(env, stream));
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaEventQueryNative(JNIEnv* env, jclass,
                                                                     jobject event) {
  if (null_argument(env, event, "event", "cudaEventQuery")) return kJCudaInternalError;
  return cudaEventQuery(event_of(env, event));
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaEventSynchronizeNative(JNIEnv* env, jclass,
                                                                           jobject event) {
  if (null_argument(env, event, "event", "cudaEventSynchronize")) return kJCudaInternalError;
  return cudaEventSynchronize(event_of(env, event));
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaEventDestroyNative(JNIEnv* env, jclass,
                                                                       jobject event) {
  if (null_argument(env, event, "event", "cudaEventDestroy")) return kJCudaInternalError;
  return cudaEventDestroy(event_of(env, event));
}

// ---- errors ----

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaGetLastErrorNative(JNIEnv*, jclass) {
  return cudaGetLastError();
}

JNIEXPORT jint JNICALL Java_jcuda_runtime_JCuda_cudaPeekAtLastErrorNative(JNIEnv*, jclass) {
  return cudaPeekAtLastError();
}

JNIEXPORT jstring JNICALL Java_jcuda_runtime_JCuda_cudaGetErrorNameNative(JNIEnv* env, jclass,
                                                                          jint error) {
  return env->NewStringUTF(cudaGetErrorName((cudaError_t)error));
}

JNIEXPORT jstring JNICALL Java_jcuda_runtime_JCuda_cudaGetErrorStringNative(JNIEnv* env, jclass,
                                                                            jint error) {
  return env->NewStringUTF(cudaGetErrorString((cudaError_t)error));
}

}  // extern "C"
