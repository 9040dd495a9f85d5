package io.github.qemuembed.driver.internal.rpc;

/** The daemon has no such network, network port, storage pool, volume or secret. */
public class LibvirtObjectNotFoundException extends LibvirtRemoteException {

	public LibvirtObjectNotFoundException(String endpoint, RemoteProcedure procedure, RemoteError error) {
		super(endpoint, procedure, error);
	}

}
