package dev.alexnet4j.augment;

/**
 * How the training-set mean and RGB covariance are estimated and where they are cached.
 *
 * @param images images sampled (evenly over the file list); 0 for all
 * @param pcaPixels pixels drawn in all for the covariance
 * @param cacheDir folder of the cache file; empty for beside the data
 */
public record StatisticsSettings(int images, int pcaPixels, String cacheDir) {}
