/** Fault tests of the whole app in its own processes: kills, restarts, poison pills. */
package io.vitstream.reliability;
