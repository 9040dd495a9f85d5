package io.github.qemuembed.driver.internal.rpc;

/**
 * libvirt's {@code remote_error}, the payload of a reply with status ERROR. Only the
 * fields a client can act on are kept; the unused {@code dom}/{@code net} pointers are
 * skipped.
 *
 * @param code libvirt's error number ({@code virErrorNumber})
 * @param domain where the error arose ({@code virErrorDomain}, e.g. 19 network, 18
 * storage, 30 secret)
 * @param message the daemon's message, may be {@code null}
 * @param level 1 warning, 2 error
 */
record RemoteError(int code, int domain, String message, int level, String str1, String str2, String str3, int int1,
		int int2) {

	public static RemoteError decode(XdrDecoder decoder) {
		int code = decoder.readInt();
		int domain = decoder.readInt();
		String message = decoder.readOptionalString();
		int level = decoder.readInt();
		if (decoder.readBoolean()) {
			// remote_nonnull_domain: name, uuid, id
			decoder.readString();
			decoder.readUuid();
			decoder.readInt();
		}
		String str1 = decoder.readOptionalString();
		String str2 = decoder.readOptionalString();
		String str3 = decoder.readOptionalString();
		int int1 = decoder.readInt();
		int int2 = decoder.readInt();
		if (decoder.readBoolean()) {
			// remote_nonnull_network: name, uuid
			decoder.readString();
			decoder.readUuid();
		}
		return new RemoteError(code, domain, message, level, str1, str2, str3, int1, int2);
	}

	/**
	 * Encodes the error like a daemon does (no dom/net); used by tests that play the
	 * daemon's side.
	 */
	public void encode(XdrEncoder encoder) {
		encoder.writeInt(this.code)
			.writeInt(this.domain)
			.writeOptionalString(this.message)
			.writeInt(this.level)
			.writeBoolean(false)
			.writeOptionalString(this.str1)
			.writeOptionalString(this.str2)
			.writeOptionalString(this.str3)
			.writeInt(this.int1)
			.writeInt(this.int2)
			.writeBoolean(false);
	}

}
