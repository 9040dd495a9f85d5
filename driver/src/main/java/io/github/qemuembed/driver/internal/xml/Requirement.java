package io.github.qemuembed.driver.internal.xml;

/**
 * One element of a definition that needs a secondary driver.
 *
 * @param kind which driver
 * @param path where ({@code /domain/devices/interface[2]})
 * @param element the element as the user wrote it, shortened
 * ({@code <interface type='network'>})
 */
public record Requirement(SecondaryKind kind, String path, String element) {
}
