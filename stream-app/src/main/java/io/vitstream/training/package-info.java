/** Training a ViT classifier with DJL: the loop, its schedule, clipping, augmentation, resume. */
package io.vitstream.training;
