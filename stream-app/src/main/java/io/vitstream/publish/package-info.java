/** Image sources (files, folders, Fashion-MNIST) and publishing them as ImageEvents. */
package io.vitstream.publish;
