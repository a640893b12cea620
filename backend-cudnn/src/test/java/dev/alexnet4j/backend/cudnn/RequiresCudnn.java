package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.cudaemu.NoLeaksOnEmulator;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class only where the cuDNN backend can run: the skip is decided by the provider's
 * real availability check ({@link CudnnAvailableCondition}), and the skip message says what is
 * missing. Never a hand-set disabling annotation. Tagged {@code gpu}: the build runs these classes
 * in their own Surefire execution on the emulated CUDA stack, in GPU-required mode, and fails a
 * class that leaves anything alive on the emulated devices.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("gpu")
@ExtendWith({CudnnAvailableCondition.class, NoLeaksOnEmulator.class})
public @interface RequiresCudnn {}
