package dev.alexnet4j.backend.cudnn;

/**
 * One convolution algorithm as cuDNN ranks it (the fields of {@code cudnnConvolution*AlgoPerf}), in
 * the order cuDNN returned it: fastest or most promising first.
 *
 * @param algorithm the {@code cudnnConvolution*Algo} value
 * @param status {@code CUDNN_STATUS_SUCCESS} when the algorithm can run this configuration
 * @param milliseconds measured time (find) or -1 (heuristic)
 * @param workspaceBytes the workspace it needs
 * @param deterministic whether repeated runs give bit-identical results
 */
record AlgorithmCandidate(
    int algorithm, int status, float milliseconds, long workspaceBytes, boolean deterministic) {}
