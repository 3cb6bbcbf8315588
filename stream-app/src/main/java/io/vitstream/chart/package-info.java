/**
 * PNG charts: XChart line charts for training and the benchmarks ({@link
 * io.vitstream.chart.Charts}), and a java.awt chart with shaded bands and event markers for the
 * drift demo.
 */
package io.vitstream.chart;
