package dev.alexnet4j.api.train;

/**
 * What one epoch did: training figures averaged over its steps, and validation figures (NaN when
 * there is no validation set).
 */
public record EpochReport(
    int epoch,
    long step,
    double trainLoss,
    double trainTop1Error,
    double trainTop5Error,
    double validationLoss,
    double validationTop1Error,
    double validationTop5Error,
    float learningRate,
    double imagesPerSecond,
    long skippedFiles,
    double seconds) {}
