/** The live dashboard: a bounded view of the stream, its JSON feed, and the pages that draw it. */
package io.vitstream.dashboard;
