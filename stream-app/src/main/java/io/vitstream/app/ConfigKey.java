package io.vitstream.app;

/**
 * One configuration key.
 *
 * @param name the key, as written in the config file
 * @param defaultValue the value when neither the file nor a flag sets it
 * @param doc one line for the README's config table and {@code --help}
 */
public record ConfigKey(String name, String defaultValue, String doc) {}
