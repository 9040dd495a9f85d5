/**
 * The QEMU guest agent as seen by applications:
 * {@link io.github.qemuembed.driver.agent.GuestAgent} and its results. See
 * {@code docs/guest-agent.md}.
 */
@NullMarked
package io.github.qemuembed.driver.agent;

import org.jspecify.annotations.NullMarked;
