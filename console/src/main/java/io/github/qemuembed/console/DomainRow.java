package io.github.qemuembed.console;

/**
 * One line of the dashboard, as sent to the page: what the domain is doing now and its
 * rates since the previous sample. Rates are {@code null} on the first sample of a run
 * (nothing to compare with) and for an inactive domain. Nothing secret: no XML, no log,
 * no secret values.
 *
 * @param name the domain's name
 * @param state e.g. {@code running}, {@code paused}, {@code shutoff}
 * @param status state and reason, e.g. {@code running/booted}
 * @param active whether QEMU runs
 * @param uptimeSeconds seconds since QEMU started, 0 when inactive
 * @param vcpus configured vCPUs
 * @param memoryKiB current memory
 * @param cpuPercent QEMU's CPU use over the last interval, in percent of one host CPU
 * @param blockReadBps bytes read per second from all disks
 * @param blockWriteBps bytes written per second to all disks
 * @param netRxBps bytes per second the guest received on its taps
 * @param netTxBps bytes per second the guest sent on its taps
 * @param stale why the figures are not fresh (a domain that did not answer in time), or
 * {@code null}
 * @param agent the guest agent's channel: {@code connected}, {@code disconnected}, or
 * {@code none} without one
 * @param snapshots how many snapshots the domain has, or {@code null} when they could not
 * be read
 * @param currentSnapshot the name of the current snapshot, or {@code null} for none
 */
record DomainRow(String name, String state, String status, boolean active, long uptimeSeconds, int vcpus,
		long memoryKiB, Double cpuPercent, Double blockReadBps, Double blockWriteBps, Double netRxBps, Double netTxBps,
		String stale, String agent, Integer snapshots, String currentSnapshot) {

}
