package io.github.qemuembed.driver.xml;

import java.util.Optional;

/**
 * {@code <nvram template='VARS'>PATH</nvram>}: the per-domain UEFI variable store. The driver copies
 * {@code template} to {@code path} before start when {@code path} does not exist yet (as libvirt does).
 */
public record Nvram(String path, Optional<String> template) {
}
