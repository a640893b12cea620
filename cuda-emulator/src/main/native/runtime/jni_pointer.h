// How JCuda's Java objects carry addresses, read the way JCuda's own natives read them
// (jcuda-common's PointerUtils): a jcuda.NativePointerObject holds `nativePointer` (long); a
// jcuda.Pointer adds `byteOffset` (long), and instead of a native address may hold `buffer` (a
// direct java.nio.Buffer, or one wrapping a Java array, as Pointer.to(float[]) makes) or `pointers`
// (NativePointerObject[], an array of pointers). As in JCuda, a buffer's position and array offset
// are not added (Pointer.to(Buffer) ignores them; Pointer.toBuffer folds them into byteOffset).
#ifndef ALEXNET4J_EMU_JNI_POINTER_H
#define ALEXNET4J_EMU_JNI_POINTER_H

#include <jni.h>

#include <vector>

// JCuda's status for a failure inside its JNI layer (jcuda.runtime.cudaError.jcudaInternalError).
constexpr jint kJCudaInternalError = (jint)0x80000001;

// Looks up the classes, fields and methods used here; JNI_ERR with an exception pending on failure.
jint emu_jni_pointer_init(JNIEnv* env);

void emu_jni_throw(JNIEnv* env, const char* exception_class, const char* message);

// NativePointerObject.nativePointer (0 for a null object).
void* emu_jni_native_pointer(JNIEnv* env, jobject object);
// nativePointer + byteOffset of a Pointer (nativePointer alone for another NativePointerObject):
// what JCuda passes for device pointers, streams and cudaFree/cudaFreeHost arguments.
void* emu_jni_pointer_address(JNIEnv* env, jobject object);
// Sets nativePointer, and for a Pointer also byteOffset = 0 (JCuda's setPointer).
void emu_jni_set_pointer(JNIEnv* env, jobject object, void* address);
// As cudaMallocHost's Pointer: nativePointer, plus a direct ByteBuffer over [address, +bytes) as
// its buffer (so that Pointer.getByteBuffer works), pointers = null, byteOffset = 0.
bool emu_jni_set_host_pointer(JNIEnv* env, jobject pointer, void* address, jlong bytes);

// The memory a Pointer argument names, for the length of one call. Usage: init (JNI calls allowed),
// then address() (may enter a JNI critical region for a Java array: no JNI calls until release),
// then release().
class JniMemory {
 public:
  // `what` names the argument in diagnostics (e.g. "cudaMemcpy dst"). False when the argument
  // cannot be used: then an exception is pending (return kJCudaInternalError).
  bool init(JNIEnv* env, jobject pointer, const char* what);
  // Whether [address, address + bytes) lies inside the Java array or buffer behind the Pointer
  // (always true for native memory, which the core checks instead). Logs a refusal.
  bool fits(jlong bytes) const;
  // The address the Pointer names, to *address; for a Java array this pins it
  // (GetPrimitiveArrayCritical). False (with an exception pending) when pinning fails. Makes no
  // other JNI call, so that it may be called while another argument is pinned.
  bool address(JNIEnv* env, void** address);
  // Unpins, and for an array of pointers writes changed values back into the Java objects when
  // `commit` (JNI_ABORT semantics otherwise). False when an exception is pending.
  bool release(JNIEnv* env, bool commit);

 private:
  enum Kind { kNative, kDirect, kArray, kPointers };
  Kind kind_ = kNative;
  const char* what_ = "";
  char* base_ = nullptr;  // native address or direct buffer address (before byteOffset)
  jlong byte_offset_ = 0;
  jlong capacity_ = -1;  // bytes of the buffer or array; -1 for native memory
  jarray array_ = nullptr;  // local reference to the Java array
  void* pinned_ = nullptr;
  jobjectArray pointer_objects_ = nullptr;
  std::vector<void*> pointer_values_;
  std::vector<void*> pointer_initial_;
};

#endif
