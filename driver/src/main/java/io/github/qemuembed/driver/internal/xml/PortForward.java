package io.github.qemuembed.driver.internal.xml;

import java.util.List;
import java.util.Optional;

/**
 * {@code <portForward>} of an {@code <interface type='user'>}: host ports forwarded into
 * the guest.
 *
 * @param protocol {@code tcp} or {@code udp}
 * @param address the host address to listen on; every address when empty
 * @param dev the host interface to listen on (passt only)
 * @param ranges the port ranges; none means every port (passt only)
 */
public record PortForward(Protocol protocol, Optional<String> address, Optional<String> dev, List<Range> ranges) {

	public PortForward {
		ranges = List.copyOf(ranges);
	}

	/** The {@code proto} of a {@code <portForward>}. */
	public enum Protocol implements XmlEnum {

		TCP("tcp"), UDP("udp");

		private final String xmlName;

		Protocol(String xmlName) {
			this.xmlName = xmlName;
		}

		@Override
		public String xmlName() {
			return this.xmlName;
		}

	}

	/**
	 * {@code <range start end to exclude>}: host ports {@code start} to {@code end} (or
	 * {@code start} alone) go to guest ports from {@code to} on (the same numbers without
	 * {@code to}). {@code start='0'} (single port only) asks the driver to choose a free
	 * host port at each start; the live XML shows the port chosen.
	 *
	 * @param start first host port, 0 for "choose one"
	 * @param end last host port of a range
	 * @param to first guest port
	 * @param exclude a range not to forward (passt only)
	 */
	public record Range(int start, Optional<Integer> end, Optional<Integer> to, boolean exclude) {

		/** The number of host ports the range covers. */
		public int size() {
			return this.end.map((e) -> e - this.start + 1).orElse(1);
		}

		/** The guest port for the host port {@code start + offset}. */
		public int guestPort(int offset) {
			return this.to.orElse(this.start) + offset;
		}

		public Range withStart(int start) {
			return new Range(start, this.end, this.to, this.exclude);
		}

	}

	public PortForward withRanges(List<Range> ranges) {
		return new PortForward(this.protocol, this.address, this.dev, ranges);
	}

}
