/** PNG charts drawn with java.awt only, for benchmarks and demos. */
package io.vitstream.chart;
