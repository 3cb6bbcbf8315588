package io.vitstream.reliability;

/**
 * One reading of a process's resident set size.
 *
 * @param seconds since sampling started
 * @param images predictions read so far
 * @param rssKib {@code VmRSS} from {@code /proc/<pid>/status}, in KiB
 */
record RssSample(double seconds, int images, long rssKib) {
  double rssMib() {
    return rssKib / 1024.0;
  }
}
