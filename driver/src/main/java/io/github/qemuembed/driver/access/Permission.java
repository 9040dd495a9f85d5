package io.github.qemuembed.driver.access;

import java.util.Locale;

/**
 * Permissions with libvirt's names ({@code object.permission}), checked by the
 * {@link AccessPolicy} before every driver operation. See libvirt's access control
 * documentation for their meaning.
 */
public enum Permission {

	CONNECT_GETATTR, CONNECT_READ, CONNECT_WRITE, CONNECT_SEARCH_DOMAINS, CONNECT_SEARCH_SECRETS,
	CONNECT_SEARCH_STORAGE_POOLS,

	DOMAIN_GETATTR, DOMAIN_READ, DOMAIN_READ_SECURE, DOMAIN_WRITE, DOMAIN_SAVE, DOMAIN_DELETE, DOMAIN_START,
	DOMAIN_STOP, DOMAIN_RESET, DOMAIN_SUSPEND, DOMAIN_INIT_CONTROL, DOMAIN_OPEN_DEVICE, DOMAIN_SEND_SIGNAL,
	DOMAIN_HIBERNATE, DOMAIN_SNAPSHOT, DOMAIN_FS_FREEZE,

	SECRET_GETATTR, SECRET_READ, SECRET_READ_SECURE, SECRET_WRITE, SECRET_SAVE, SECRET_DELETE,

	STORAGE_POOL_GETATTR, STORAGE_POOL_READ, STORAGE_POOL_WRITE, STORAGE_POOL_SAVE, STORAGE_POOL_DELETE,
	STORAGE_POOL_START, STORAGE_POOL_STOP, STORAGE_POOL_SEARCH_STORAGE_VOLS,

	STORAGE_VOL_GETATTR, STORAGE_VOL_READ, STORAGE_VOL_CREATE, STORAGE_VOL_DELETE, STORAGE_VOL_RESIZE;

	private final String libvirtName;

	Permission() {
		String n = name().toLowerCase(Locale.ROOT);
		// libvirt's storage objects have an underscore in their own name:
		// storage_pool.start, storage_vol.create
		int dot = n.startsWith("storage_") ? n.indexOf('_', "storage_".length()) : n.indexOf('_');
		this.libvirtName = n.substring(0, dot) + "." + n.substring(dot + 1);
	}

	/** libvirt's name, e.g. {@code domain.read_secure}. */
	public String libvirtName() {
		return this.libvirtName;
	}

	/**
	 * The object kind: {@code connect}, {@code domain}, {@code secret},
	 * {@code storage_pool} or {@code storage_vol}.
	 */
	public String object() {
		return this.libvirtName.substring(0, this.libvirtName.indexOf('.'));
	}

	/** The permission for a libvirt name such as {@code domain.start}. */
	public static Permission ofLibvirtName(String name) {
		for (Permission p : values()) {
			if (p.libvirtName.equals(name)) {
				return p;
			}
		}
		throw new IllegalArgumentException("Unknown permission '" + name + "'");
	}

	@Override
	public String toString() {
		return this.libvirtName;
	}

}
