package io.github.qemuembed.driver.internal.xml;

/**
 * {@code <topology sockets cores threads/>} of {@code <cpu>}; its product must equal the
 * vCPU count.
 */
public record CpuTopology(int sockets, int dies, int cores, int threads) {

	public int total() {
		return this.sockets * this.dies * this.cores * this.threads;
	}

}
