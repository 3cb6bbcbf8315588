/** DJL engine settings: offline mode, threads and per-thread gradient mode. */
package io.vitstream.runtime;
