/**
 * The driver's typed errors: every failure that leaves the API is a
 * {@link io.github.qemuembed.driver.error.QemuEmbedException} with a stable
 * {@link io.github.qemuembed.driver.error.ErrorCode}.
 */
@NullMarked
package io.github.qemuembed.driver.error;

import org.jspecify.annotations.NullMarked;
