/**
 * The embedded storage driver ({@code storage:///embed}): libvirt's {@code dir} pools
 * under the root.
 */
@NullMarked
package io.github.qemuembed.driver.secondary.storage;

import org.jspecify.annotations.NullMarked;
