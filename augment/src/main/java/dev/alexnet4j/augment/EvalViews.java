package dev.alexnet4j.augment;

/** Patches cut from an evaluation image (config key {@code eval.views}). */
public enum EvalViews {
  /** Four corners and the centre, each also mirrored: the paper's test procedure. */
  TEN,
  /** The central patch only. */
  CENTER
}
