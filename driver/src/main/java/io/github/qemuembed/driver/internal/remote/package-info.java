/**
 * Internal: secondary drivers that talk to a libvirt daemon over its RPC protocol.
 */
@NullMarked
package io.github.qemuembed.driver.internal.remote;

import org.jspecify.annotations.NullMarked;
