package io.github.qemuembed.driver.internal.rpc;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An open byte stream to a daemon. {@link #close()} must also wake a thread blocked in a
 * read of {@link #input()}, so that a connection can be torn down from any thread.
 */
interface RpcChannel extends Closeable {

	InputStream input();

	OutputStream output();

	@Override
	void close() throws IOException;

}
