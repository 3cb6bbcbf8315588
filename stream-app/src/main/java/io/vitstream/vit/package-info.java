/** The Vision Transformer of Dosovitskiy et al. (ICLR 2021), written with DJL blocks. */
package io.vitstream.vit;
