package dev.alexnet4j.api.train;

/**
 * What one training step did.
 *
 * @param step the global step, from 0
 * @param batchInEpoch the batch's index in its epoch, from 0
 * @param batchesInEpoch batches per epoch
 * @param top1Error the batch's top-1 training error (with dropout active)
 * @param imagesPerSecond the step's throughput, data wait included
 */
public record StepReport(
    int epoch,
    long step,
    int batchInEpoch,
    int batchesInEpoch,
    double loss,
    double top1Error,
    double top5Error,
    float learningRate,
    double imagesPerSecond) {}
