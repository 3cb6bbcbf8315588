/** The {@code vitstream} command line (picocli). */
package io.vitstream.cli;
