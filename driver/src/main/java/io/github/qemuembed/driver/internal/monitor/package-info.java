/**
 * Internal: public only for the driver's own packages and modules; not API, and changes
 * without notice. The domain layer's view of a QEMU monitor: typed commands
 * ({@link io.github.qemuembed.driver.internal.monitor.DomainMonitor}) and the mapping of
 * the QMP client's errors to the driver's
 * ({@link io.github.qemuembed.driver.internal.monitor.QmpErrors}).
 */
@NullMarked
package io.github.qemuembed.driver.internal.monitor;

import org.jspecify.annotations.NullMarked;
