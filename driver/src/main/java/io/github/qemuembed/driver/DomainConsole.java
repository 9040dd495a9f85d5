package io.github.qemuembed.driver;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A live, bidirectional connection to a domain's serial console. What the guest writes
 * arrives on {@link #output()} from the moment the console is opened (everything earlier
 * is in the log); what is written to {@link #input()} is typed into the guest. Closing it
 * leaves the guest running.
 */
public interface DomainConsole extends Closeable {

	/** Bytes the guest writes to its console. */
	InputStream output();

	/** Bytes to send to the guest's console. */
	OutputStream input();

}
