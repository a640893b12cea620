package dev.alexnet4j.backend.cudnn;

import com.google.inject.Module;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.backend.BackendProvider;

/**
 * The cuDNN backend as {@link java.util.ServiceLoader} finds it ({@code alexnet4j.backend =
 * cudnn}). Its availability names what is missing (driver, GPU, cuDNN, cuBLAS, NVRTC) instead of
 * letting an {@link UnsatisfiedLinkError} or a JVM crash reach the user.
 */
public final class CudnnBackendProvider implements BackendProvider {

  @Override
  public String name() {
    return CudnnBackend.NAME;
  }

  @Override
  public Availability availability() {
    return CudnnAvailability.here();
  }

  @Override
  public Module module() {
    return new CudnnBackendModule();
  }

  @Override
  public String toString() {
    return "CudnnBackendProvider[" + name() + "]";
  }
}
