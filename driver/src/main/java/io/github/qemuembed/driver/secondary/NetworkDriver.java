package io.github.qemuembed.driver.secondary;

/** Resolves {@code <interface type='network'>} sources: which bridge a network's NICs join. */
public interface NetworkDriver extends SecondaryDriver {

	/** The host bridge that NICs on the named network attach to. */
	String bridgeOf(String network);

}
