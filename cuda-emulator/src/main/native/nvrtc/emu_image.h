// What the emulated NVRTC hands out as "PTX" and the emulated driver loads: a text image that
// names the emulator, the kernels.cu it was made from (a hash of the source) and its kernel entry
// points. Shared by libnvrtc.so.11.2 and libcuda.so.1, which both embed kernels.cu (the Makefile
// passes its path as EMU_KERNELS_CU) with emu_embed_kernels_cu.h.
#ifndef ALEXNET4J_EMU_IMAGE_H
#define ALEXNET4J_EMU_IMAGE_H

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

// The image's first line; anything else (real PTX, a cubin, a fatbinary) is not ours.
#define EMU_IMAGE_MAGIC "// alexnet4j cuda-emulator module image 1"

namespace emu_image {

inline uint64_t fnv1a64(const char* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < size; i++) {
    h ^= (unsigned char)data[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

inline std::string hex64(uint64_t v) {
  char buffer[17];
  snprintf(buffer, sizeof buffer, "%016llx", (unsigned long long)v);
  return buffer;
}

// The names of the source's `__global__ void name(` functions, in order of appearance.
// Comments and string literals are skipped; enough for kernels.cu, which is all the emulator runs.
inline std::vector<std::string> kernel_entries(const char* s, size_t n) {
  std::vector<std::string> names;
  auto ident = [](char c) { return isalnum((unsigned char)c) || c == '_'; };
  size_t i = 0;
  while (i < n) {
    if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
      while (i < n && s[i] != '\n') i++;
    } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
      i += 2;
      while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/')) i++;
      i += 2;
    } else if (s[i] == '"' || s[i] == '\'') {
      char q = s[i++];
      while (i < n && s[i] != q) i += s[i] == '\\' ? 2 : 1;
      i++;
    } else if (ident(s[i])) {
      size_t start = i;
      while (i < n && ident(s[i])) i++;
      if (std::string(s + start, i - start) != "__global__") continue;
      // __global__ [qualifiers] void name (
      std::vector<std::string> words;
      size_t j = i;
      while (j < n && s[j] != '(' && s[j] != ';' && s[j] != '{') {
        if (ident(s[j])) {
          size_t w = j;
          while (j < n && ident(s[j])) j++;
          words.emplace_back(s + w, j - w);
        } else {
          j++;
        }
      }
      if (j < n && s[j] == '(' && !words.empty()) names.push_back(words.back());
      i = j;
    } else {
      i++;
    }
  }
  return names;
}

}  // namespace emu_image

#endif
