/**
 * cloud-init NoCloud seeds, built as ISO 9660 images by the driver itself.
 */
@NullMarked
package io.github.qemuembed.driver.cloudinit;

import org.jspecify.annotations.NullMarked;
