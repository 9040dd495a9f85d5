package io.github.qemuembed.driver.access;

import java.util.Optional;

/**
 * Supplies the identity of the current caller when an operation is checked (for example
 * from Spring Security's context of the current thread). The default supplies none.
 */
@FunctionalInterface
public interface CallerSupplier {

	CallerSupplier NONE = Optional::empty;

	Optional<Caller> currentCaller();

}
