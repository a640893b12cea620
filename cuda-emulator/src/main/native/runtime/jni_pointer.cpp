// Reading and writing the addresses that JCuda's Pointer objects carry (see jni_pointer.h).
#include "jni_pointer.h"

#include <stdint.h>

#include "emu_core.h"

namespace {

jfieldID native_pointer_field;  // NativePointerObject.nativePointer, J
jclass pointer_class;           // jcuda.Pointer (global reference)
jfieldID buffer_field;          // Pointer.buffer, Ljava/nio/Buffer;
jfieldID pointers_field;        // Pointer.pointers, [Ljcuda/NativePointerObject;
jfieldID byte_offset_field;     // Pointer.byteOffset, J
jmethodID buffer_is_direct;     // Buffer.isDirect()Z
jmethodID buffer_has_array;     // Buffer.hasArray()Z
jmethodID buffer_array;         // Buffer.array()Ljava/lang/Object;

struct BufferType {
  const char* name;
  jint element_bytes;
  jclass cls;
};
BufferType buffer_types[] = {
    {"java/nio/ByteBuffer", 1, nullptr},  {"java/nio/CharBuffer", 2, nullptr},
    {"java/nio/ShortBuffer", 2, nullptr}, {"java/nio/IntBuffer", 4, nullptr},
    {"java/nio/FloatBuffer", 4, nullptr}, {"java/nio/LongBuffer", 8, nullptr},
    {"java/nio/DoubleBuffer", 8, nullptr},
};

jclass global_class(JNIEnv* env, const char* name) {
  jclass local = env->FindClass(name);
  if (local == nullptr) return nullptr;
  jclass global = (jclass)env->NewGlobalRef(local);
  env->DeleteLocalRef(local);
  return global;
}

jint element_bytes(JNIEnv* env, jobject buffer) {
  for (const BufferType& t : buffer_types) {
    if (env->IsInstanceOf(buffer, t.cls)) return t.element_bytes;
  }
  return 1;
}

bool is_pointer(JNIEnv* env, jobject object) {
  return object != nullptr && env->IsInstanceOf(object, pointer_class);
}

// The address one element of a Pointer's `pointers` array stands for.
bool element_address(JNIEnv* env, jobject element, const char* what, void** address) {
  *address = nullptr;
  if (element == nullptr) return true;
  if (!is_pointer(env, element)) {
    *address = emu_jni_native_pointer(env, element);
    return true;
  }
  jobject buffer = env->GetObjectField(element, buffer_field);
  jlong offset = env->GetLongField(element, byte_offset_field);
  if (buffer == nullptr) {
    *address = (char*)emu_jni_native_pointer(env, element) + offset;
    return true;
  }
  void* base = env->GetDirectBufferAddress(buffer);
  env->DeleteLocalRef(buffer);
  if (base == nullptr) {
    emu_log("jcuda-runtime", "%s: an array of pointers holding a pointer to a Java array is not "
            "supported by the emulator", what);
    emu_jni_throw(env, "java/lang/IllegalArgumentException",
                  "cuda-emulator: an array of pointers may hold only native pointers and direct "
                  "buffers");
    return false;
  }
  *address = (char*)base + offset;
  return true;
}

}  // namespace

jint emu_jni_pointer_init(JNIEnv* env) {
  jclass npo = env->FindClass("jcuda/NativePointerObject");
  if (npo == nullptr) return JNI_ERR;
  native_pointer_field = env->GetFieldID(npo, "nativePointer", "J");
  if (native_pointer_field == nullptr) return JNI_ERR;
  pointer_class = global_class(env, "jcuda/Pointer");
  if (pointer_class == nullptr) return JNI_ERR;
  buffer_field = env->GetFieldID(pointer_class, "buffer", "Ljava/nio/Buffer;");
  pointers_field = env->GetFieldID(pointer_class, "pointers", "[Ljcuda/NativePointerObject;");
  byte_offset_field = env->GetFieldID(pointer_class, "byteOffset", "J");
  if (!buffer_field || !pointers_field || !byte_offset_field) return JNI_ERR;
  jclass buffer = env->FindClass("java/nio/Buffer");
  if (buffer == nullptr) return JNI_ERR;
  buffer_is_direct = env->GetMethodID(buffer, "isDirect", "()Z");
  buffer_has_array = env->GetMethodID(buffer, "hasArray", "()Z");
  buffer_array = env->GetMethodID(buffer, "array", "()Ljava/lang/Object;");
  if (!buffer_is_direct || !buffer_has_array || !buffer_array) return JNI_ERR;
  for (BufferType& t : buffer_types) {
    t.cls = global_class(env, t.name);
    if (t.cls == nullptr) return JNI_ERR;
  }
  return JNI_VERSION_1_6;
}

void emu_jni_throw(JNIEnv* env, const char* exception_class, const char* message) {
  if (env->ExceptionCheck()) return;
  jclass cls = env->FindClass(exception_class);
  if (cls != nullptr) env->ThrowNew(cls, message);
}

void* emu_jni_native_pointer(JNIEnv* env, jobject object) {
  if (object == nullptr) return nullptr;
  return (void*)env->GetLongField(object, native_pointer_field);
}

void* emu_jni_pointer_address(JNIEnv* env, jobject object) {
  if (object == nullptr) return nullptr;
  char* base = (char*)emu_jni_native_pointer(env, object);
  if (!is_pointer(env, object)) return base;
  return base + env->GetLongField(object, byte_offset_field);
}

void emu_jni_set_pointer(JNIEnv* env, jobject object, void* address) {
  if (object == nullptr) return;
  env->SetLongField(object, native_pointer_field, (jlong)address);
  if (is_pointer(env, object)) env->SetLongField(object, byte_offset_field, 0);
}

bool emu_jni_set_host_pointer(JNIEnv* env, jobject pointer, void* address, jlong bytes) {
  jobject buffer = nullptr;
  if (address != nullptr) {
    buffer = env->NewDirectByteBuffer(address, bytes);
    if (buffer == nullptr) return false;
  }
  env->SetObjectField(pointer, buffer_field, buffer);
  env->SetObjectField(pointer, pointers_field, nullptr);
  env->SetLongField(pointer, byte_offset_field, 0);
  env->SetLongField(pointer, native_pointer_field, (jlong)address);
  if (buffer != nullptr) env->DeleteLocalRef(buffer);
  return true;
}

bool JniMemory::init(JNIEnv* env, jobject pointer, const char* what) {
  what_ = what;
  if (!is_pointer(env, pointer)) {  // null, or a NativePointerObject that is no Pointer
    kind_ = kNative;
    base_ = (char*)emu_jni_native_pointer(env, pointer);
    return true;
  }
  byte_offset_ = env->GetLongField(pointer, byte_offset_field);
  jobjectArray pointers = (jobjectArray)env->GetObjectField(pointer, pointers_field);
  if (pointers != nullptr) {
    kind_ = kPointers;
    pointer_objects_ = pointers;
    jsize n = env->GetArrayLength(pointers);
    pointer_values_.resize(n);
    for (jsize i = 0; i < n; i++) {
      jobject element = env->GetObjectArrayElement(pointers, i);
      if (env->ExceptionCheck()) return false;
      if (!element_address(env, element, what, &pointer_values_[i])) return false;
      if (element != nullptr) env->DeleteLocalRef(element);
    }
    pointer_initial_ = pointer_values_;
    base_ = (char*)pointer_values_.data();
    capacity_ = (jlong)n * (jlong)sizeof(void*);
    return true;
  }
  jobject buffer = env->GetObjectField(pointer, buffer_field);
  if (buffer == nullptr) {
    kind_ = kNative;
    base_ = (char*)emu_jni_native_pointer(env, pointer);
    return true;
  }
  jint element = element_bytes(env, buffer);
  jboolean direct = env->CallBooleanMethod(buffer, buffer_is_direct);
  if (env->ExceptionCheck()) return false;
  if (direct) {
    kind_ = kDirect;
    base_ = (char*)env->GetDirectBufferAddress(buffer);
    if (base_ == nullptr) {
      emu_jni_throw(env, "java/lang/IllegalArgumentException",
                    "Failed to obtain direct buffer address");
      return false;
    }
    capacity_ = env->GetDirectBufferCapacity(buffer) * element;
    return true;
  }
  jboolean has_array = env->CallBooleanMethod(buffer, buffer_has_array);
  if (env->ExceptionCheck()) return false;
  if (!has_array) {
    emu_jni_throw(env, "java/lang/IllegalArgumentException",
                  "Buffer is neither direct nor has an array");
    return false;
  }
  kind_ = kArray;
  array_ = (jarray)env->CallObjectMethod(buffer, buffer_array);
  if (env->ExceptionCheck() || array_ == nullptr) return false;
  capacity_ = (jlong)env->GetArrayLength(array_) * element;
  return true;
}

bool JniMemory::fits(jlong bytes) const {
  if (kind_ == kNative || bytes <= 0) return true;
  if (byte_offset_ >= 0 && byte_offset_ <= capacity_ && bytes <= capacity_ - byte_offset_) {
    return true;
  }
  const char* holder = kind_ == kArray      ? "Java array"
                       : kind_ == kDirect   ? "direct buffer"
                                            : "array of pointers";
  emu_log("jcuda-runtime",
          "%s: %lld bytes from byte offset %lld do not fit the %s of %lld bytes behind the "
          "Pointer (a real GPU would overrun it)",
          what_, (long long)bytes, (long long)byte_offset_, holder, (long long)capacity_);
  return false;
}

bool JniMemory::address(JNIEnv* env, void** address) {
  if (kind_ == kArray) {
    if (pinned_ == nullptr) {
      pinned_ = env->GetPrimitiveArrayCritical(array_, nullptr);
      if (pinned_ == nullptr) return false;
    }
    *address = (char*)pinned_ + byte_offset_;
    return true;
  }
  *address = (void*)((uintptr_t)base_ + (uintptr_t)byte_offset_);
  return true;
}

bool JniMemory::release(JNIEnv* env, bool commit) {
  if (kind_ == kArray && pinned_ != nullptr) {
    // Pinned in place (or copied back): mode 0 writes a copy back, JNI_ABORT drops it.
    env->ReleasePrimitiveArrayCritical(array_, pinned_, commit ? 0 : JNI_ABORT);
    pinned_ = nullptr;
    return true;  // no other JNI call: another argument may still be pinned
  }
  if (kind_ == kPointers && commit) {
    for (size_t i = 0; i < pointer_values_.size(); i++) {
      if (pointer_values_[i] == pointer_initial_[i]) continue;
      jobject element = env->GetObjectArrayElement(pointer_objects_, (jsize)i);
      if (element == nullptr) {
        emu_jni_throw(env, "java/lang/NullPointerException",
                      "Pointer points to an array containing a 'null' entry");
        return false;
      }
      if (is_pointer(env, element)) {
        jobject buffer = env->GetObjectField(element, buffer_field);
        if (buffer != nullptr) {
          emu_jni_throw(env, "java/lang/IllegalArgumentException",
                        "Pointer to a direct buffer may not be overwritten");
          return false;
        }
      }
      emu_jni_set_pointer(env, element, pointer_values_[i]);
      env->DeleteLocalRef(element);
    }
    return !env->ExceptionCheck();
  }
  return true;
}
