package dev.alexnet4j.backend.cudnn;

import jcuda.jcublas.JCublas2;
import jcuda.jcudnn.JCudnn;

/**
 * The name of a cuDNN or cuBLAS status as the loaded library spells it. cuDNN 9 renumbered its
 * statuses (CUDNN_STATUS_BAD_PARAM is 3 in cuDNN 8 and 2000 in cuDNN 9, which adds sub-codes such
 * as 2002 CUDNN_STATUS_BAD_PARAM_NULL_POINTER), so the cuDNN 8 table JCudnn 11.7 was built with
 * names a cuDNN 9 status wrongly or not at all; the library's own {@code cudnnGetErrorString}
 * cannot. Hints are then looked up by name ({@link StatusHints}), never by number.
 */
interface StatusNames {
  String cudnn(int status);

  String cublas(int status);

  /**
   * The loaded libraries' names. Asked only after a call into that library returned a status, so
   * the library is loaded.
   */
  StatusNames LOADED =
      new StatusNames() {
        @Override
        public String cudnn(int status) {
          return named(JCudnn.cudnnGetErrorString(status), "cuDNN");
        }

        @Override
        public String cublas(int status) {
          // cublasGetStatusName: cuBLAS 11.4.2 and later, which JCublas 11.7's natives need anyway.
          return named(JCublas2.cublasGetStatusName(status), "cuBLAS");
        }
      };

  private static String named(String name, String library) {
    return name == null || name.isBlank() ? "(" + library + " gave no name)" : name;
  }
}
