/**
 * What an emulator binary can do:
 * {@link io.github.qemuembed.driver.internal.capabilities.EmulatorLocator} finds the
 * binary, {@link io.github.qemuembed.driver.internal.capabilities.CapabilityProbe} asks
 * it over QMP, and
 * {@link io.github.qemuembed.driver.internal.capabilities.CapabilityCache} keeps the
 * answer under the root's {@code cache/qemu/capabilities/}.
 */
package io.github.qemuembed.driver.internal.capabilities;
