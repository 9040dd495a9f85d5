package io.github.qemuembed.driver.agent;

import java.util.List;
import java.util.Optional;

/**
 * A network interface as the guest sees it, from {@code guest-network-get-interfaces}.
 *
 * @param name the guest's name for it ({@code eth0}, {@code lo})
 * @param hardwareAddress its MAC address, lower case, when it has one
 * @param addresses its IP addresses
 */
public record GuestNetworkInterface(String name, Optional<String> hardwareAddress, List<IpAddress> addresses) {

	public GuestNetworkInterface {
		addresses = List.copyOf(addresses);
	}

	/**
	 * One address of an interface.
	 *
	 * @param type {@code ipv4} or {@code ipv6}
	 * @param address the address, such as {@code 10.0.2.15}
	 * @param prefix the prefix length, such as {@code 24}
	 */
	public record IpAddress(String type, String address, int prefix) {

		@Override
		public String toString() {
			return this.address + "/" + this.prefix;
		}

	}

}
