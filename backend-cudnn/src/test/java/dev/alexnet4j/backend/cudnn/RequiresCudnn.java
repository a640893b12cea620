package dev.alexnet4j.backend.cudnn;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class only where the cuDNN backend can run: the skip is decided by the provider's
 * real availability check ({@link CudnnAvailableCondition}), and the skip message says what is
 * missing. Never a hand-set {@code @Disabled}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("gpu")
@ExtendWith(CudnnAvailableCondition.class)
@interface RequiresCudnn {}
