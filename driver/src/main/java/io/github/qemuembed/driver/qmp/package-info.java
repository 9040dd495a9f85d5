/**
 * The QEMU Machine Protocol client: {@link io.github.qemuembed.driver.qmp.QmpClient}
 * (protocol: greeting, capabilities, id-correlated and serialized commands, events,
 * timeouts, disconnects) over a {@link io.github.qemuembed.driver.qmp.QmpTransport} (a
 * UNIX socket served by one shared I/O thread, or a process's standard streams). Its
 * failures are its own: {@link io.github.qemuembed.driver.qmp.QmpError} and its
 * subclasses, independent of the driver's error package.
 */
@NullMarked
package io.github.qemuembed.driver.qmp;

import org.jspecify.annotations.NullMarked;
