package io.github.qemuembed.testsupport.guest;

/**
 * The test guest cannot be built: a kernel, busybox or a module is missing, or a tool
 * failed. The message says what to install or set.
 */
public class TestGuestException extends RuntimeException {

	public TestGuestException(String message) {
		super(message);
	}

	public TestGuestException(String message, Throwable cause) {
		super(message, cause);
	}

}
