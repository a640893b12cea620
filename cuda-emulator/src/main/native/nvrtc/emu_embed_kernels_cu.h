// Embeds kernels.cu (path in the macro EMU_KERNELS_CU, set by the Makefile) into the including
// library as the hidden byte range [emu_kernels_cu_begin, emu_kernels_cu_end), followed by a NUL.
// Include from exactly one translation unit per library.
#ifndef ALEXNET4J_EMU_EMBED_KERNELS_CU_H
#define ALEXNET4J_EMU_EMBED_KERNELS_CU_H

#ifndef EMU_KERNELS_CU
#error "EMU_KERNELS_CU (the path of kernels.cu, as a string literal) must be defined"
#endif

__asm__(".pushsection .rodata.emu_kernels_cu,\"a\",@progbits\n"
        ".balign 16\n"
        ".globl emu_kernels_cu_begin\n"
        ".hidden emu_kernels_cu_begin\n"
        "emu_kernels_cu_begin:\n"
        ".incbin \"" EMU_KERNELS_CU "\"\n"
        ".globl emu_kernels_cu_end\n"
        ".hidden emu_kernels_cu_end\n"
        "emu_kernels_cu_end:\n"
        ".byte 0\n"
        ".popsection\n");

extern "C" __attribute__((visibility("hidden"))) const char emu_kernels_cu_begin[];
extern "C" __attribute__((visibility("hidden"))) const char emu_kernels_cu_end[];

#endif
