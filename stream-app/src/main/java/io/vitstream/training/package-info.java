/**
 * Training a ViT classifier with DJL: the loop, its schedule, clipping, augmentation, resume, and
 * distillation from a small convnet teacher.
 */
package io.vitstream.training;
