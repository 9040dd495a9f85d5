package io.github.qemuembed.autoconfigure;

/**
 * {@code qemu.embed.shutdown.mode=detach} was configured without {@code qemu.embed.root}:
 * VMs left running could never be reconnected, because the temporary root that knows them
 * is deleted with the context.
 */
public class DetachWithoutRootException extends IllegalStateException {

	public DetachWithoutRootException() {
		super("qemu.embed.shutdown.mode=detach needs a persistent root, but qemu.embed.root is not set");
	}

}
