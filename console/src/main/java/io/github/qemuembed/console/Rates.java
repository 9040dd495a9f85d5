package io.github.qemuembed.console;

import java.time.Duration;
import java.util.List;

import io.github.qemuembed.autoconfigure.actuate.DomainStatistics.BlockDevice;
import io.github.qemuembed.autoconfigure.actuate.DomainStatistics.NetDevice;
import io.github.qemuembed.autoconfigure.actuate.DomainStatistics.Statistics;

/**
 * Cumulative figures of one run of a domain at one instant, and rates between two of
 * them.
 */
record Rates(long pid, long atNanos, Duration cpuTime, long blockRead, long blockWrite, long netRx, long netTx) {

	static Rates of(long pid, long atNanos, Duration cpuTime, Statistics statistics) {
		List<BlockDevice> block = statistics.block();
		List<NetDevice> network = statistics.network();
		return new Rates(pid, atNanos, cpuTime, block.stream().mapToLong(BlockDevice::readBytes).sum(),
				block.stream().mapToLong(BlockDevice::writeBytes).sum(),
				network.stream().mapToLong(NetDevice::receivedBytes).sum(),
				network.stream().mapToLong(NetDevice::transmittedBytes).sum());
	}

	/**
	 * Whether {@code previous} is an earlier sample of the same run: another pid (a
	 * restart) or a counter that went back (a device removed) makes a rate meaningless.
	 */
	boolean follows(Rates previous) {
		return previous != null && previous.pid == this.pid && this.atNanos > previous.atNanos
				&& this.cpuTime.compareTo(previous.cpuTime) >= 0 && this.blockRead >= previous.blockRead
				&& this.blockWrite >= previous.blockWrite && this.netRx >= previous.netRx
				&& this.netTx >= previous.netTx;
	}

	double cpuPercent(Rates previous) {
		return 100.0 * (this.cpuTime.toNanos() - previous.cpuTime.toNanos()) / seconds(previous) / 1e9;
	}

	double blockReadBps(Rates previous) {
		return (this.blockRead - previous.blockRead) / seconds(previous);
	}

	double blockWriteBps(Rates previous) {
		return (this.blockWrite - previous.blockWrite) / seconds(previous);
	}

	double netRxBps(Rates previous) {
		return (this.netRx - previous.netRx) / seconds(previous);
	}

	double netTxBps(Rates previous) {
		return (this.netTx - previous.netTx) / seconds(previous);
	}

	private double seconds(Rates previous) {
		return (this.atNanos - previous.atNanos) / 1e9;
	}

}
