/**
 * What an emulator binary can do:
 * {@link io.github.qemuembed.driver.internal.capabilities.EmulatorLocator} finds the
 * binary, {@link io.github.qemuembed.driver.internal.capabilities.CapabilityProbe} asks
 * it over QMP, and
 * {@link io.github.qemuembed.driver.internal.capabilities.CapabilityCache} keeps the
 * answer under the root's {@code cache/qemu/capabilities/}.
 * <p>
 * Internal: public only for the driver's own packages and modules; not API, and changes
 * without notice.
 */
@NullMarked
package io.github.qemuembed.driver.internal.capabilities;

import org.jspecify.annotations.NullMarked;
