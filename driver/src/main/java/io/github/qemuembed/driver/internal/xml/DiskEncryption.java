package io.github.qemuembed.driver.internal.xml;

import java.util.UUID;

/**
 * {@code <encryption format='luks'><secret type='passphrase' uuid/></encryption>}: a LUKS
 * image whose key is a secret.
 */
public record DiskEncryption(String format, UUID secret) {
}
