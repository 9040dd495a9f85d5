package io.github.qemuembed.driver.error;

/**
 * Stable error codes, numbered like libvirt's {@code virErrorNumber} so that callers who
 * know libvirt recognise them and so that errors relayed from a libvirt daemon keep their
 * number. {@link #OPERATION_ABORTED} is what the driver reports when the calling thread
 * was interrupted while it waited ({@link OperationInterruptedException}).
 */
public enum ErrorCode {

	INTERNAL_ERROR(1), NO_SUPPORT(3), NO_CONNECT(5), INVALID_CONN(6), INVALID_ARG(8), OPERATION_FAILED(9),
	XML_ERROR(27), DOM_EXIST(28), OPERATION_DENIED(29), SYSTEM_ERROR(38), RPC(39), NO_DOMAIN(42), NO_NETWORK(43),
	AUTH_FAILED(45), NO_STORAGE_POOL(49), NO_STORAGE_VOL(50), OPERATION_INVALID(55), INVALID_SECRET(65), NO_SECRET(66),
	CONFIG_UNSUPPORTED(67), OPERATION_TIMEOUT(68), INVALID_DOMAIN_SNAPSHOT(71), NO_DOMAIN_SNAPSHOT(72),
	OPERATION_ABORTED(78), AGENT_UNRESPONSIVE(86), RESOURCE_BUSY(87), ACCESS_DENIED(88), STORAGE_VOL_EXIST(90),
	AGENT_UNSYNCED(97), NO_NETWORK_PORT(107);

	private final int number;

	ErrorCode(int number) {
		this.number = number;
	}

	/** The libvirt error number this code corresponds to. */
	public int number() {
		return this.number;
	}

	/**
	 * The code for a libvirt error number, {@link #INTERNAL_ERROR} when it has no own
	 * constant here.
	 */
	public static ErrorCode ofNumber(int number) {
		for (ErrorCode code : values()) {
			if (code.number == number) {
				return code;
			}
		}
		return INTERNAL_ERROR;
	}

}
