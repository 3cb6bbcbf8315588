/** Checkpoints: safetensors, and import and export of HF transformers and timm ViT folders. */
package io.vitstream.checkpoint;
