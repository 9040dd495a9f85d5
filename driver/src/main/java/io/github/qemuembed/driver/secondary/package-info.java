/**
 * Secondary drivers (network, storage, secrets) a domain's XML may need, reached in a
 * libvirt daemon or embedded. See {@code docs/secondary-drivers.md}.
 */
@NullMarked
package io.github.qemuembed.driver.secondary;

import org.jspecify.annotations.NullMarked;
