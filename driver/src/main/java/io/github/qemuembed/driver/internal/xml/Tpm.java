package io.github.qemuembed.driver.internal.xml;

/**
 * {@code <tpm model='tpm-crb|tpm-tis'><backend type='emulator' version='2.0'/></tpm>}: a
 * TPM 2.0 emulated by swtpm, its state kept under the root
 * ({@code ROOT/lib/swtpm/UUID/tpm2}) across restarts.
 */
public record Tpm(String model) {
}
