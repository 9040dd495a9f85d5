package io.github.qemuembed.driver;

/**
 * Which definition a hot-plug changes, libvirt's {@code VIR_DOMAIN_AFFECT_*} flags for
 * {@link Domain#attachDevice} and {@link Domain#detachDevice}. Neither flag means
 * libvirt's {@code AFFECT_CURRENT}: the running domain if it runs, else the persistent
 * definition.
 */
public enum DeviceFlag {

	/**
	 * The running domain (libvirt's {@code VIR_DOMAIN_AFFECT_LIVE}); fails if it does not
	 * run.
	 */
	LIVE,

	/**
	 * The persistent definition, seen at the next start (libvirt's
	 * {@code VIR_DOMAIN_AFFECT_CONFIG}).
	 */
	CONFIG

}
