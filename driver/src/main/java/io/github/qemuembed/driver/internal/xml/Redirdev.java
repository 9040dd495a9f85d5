package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <redirdev bus='usb' type='spicevmc'/>}: a USB device redirected from a SPICE
 * client.
 */
public record Redirdev(Optional<UsbAddress> address) {
}
