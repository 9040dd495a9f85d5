package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <timer name tickpolicy present/>} of {@code <clock>}: {@code rtc} with
 * {@code tickpolicy} catchup or delay, {@code pit} with delay or discard, {@code hpet}
 * with {@code present}.
 */
public record ClockTimer(String name, Optional<String> tickpolicy, Optional<Boolean> present) {
}
