/** A real KRaft broker in the JVM, and the creation of the app's topics. */
package io.vitstream.kafka;
