package io.vitstream.topology;

import io.vitstream.image.RawImage;

/**
 * An image after the decode stage.
 *
 * @param imageId the event's image id
 * @param eventTimeMs the event's time
 * @param image its pixels
 */
record DecodedImage(String imageId, long eventTimeMs, RawImage image) {}
