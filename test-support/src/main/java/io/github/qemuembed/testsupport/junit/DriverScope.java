package io.github.qemuembed.testsupport.junit;

/** How long a {@link QemuTest}'s driver (and its root directory) lives. */
public enum DriverScope {

	/**
	 * One driver for the test class, opened before its first test and closed after its
	 * last.
	 */
	PER_CLASS,

	/**
	 * A driver for each test method. Static {@link TestVm} fields are not allowed then.
	 */
	PER_METHOD

}
