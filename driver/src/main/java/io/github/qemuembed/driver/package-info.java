/**
 * The embedded QEMU driver's API: {@link io.github.qemuembed.driver.QemuDriver#open} a
 * root, define and run {@link io.github.qemuembed.driver.Domain}s described in libvirt
 * domain XML. See {@code docs/driver.md}.
 */
@NullMarked
package io.github.qemuembed.driver;

import org.jspecify.annotations.NullMarked;
