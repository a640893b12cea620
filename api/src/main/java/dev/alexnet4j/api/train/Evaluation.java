package dev.alexnet4j.api.train;

/** Top-1 and top-5 error and mean loss over a whole data set. */
public record Evaluation(long samples, double loss, double top1Error, double top5Error) {}
