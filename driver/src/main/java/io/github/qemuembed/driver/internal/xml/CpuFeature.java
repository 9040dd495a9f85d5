package io.github.qemuembed.driver.internal.xml;

/**
 * {@code <feature policy name/>} of {@code <cpu>}. {@code enabled} is true for
 * {@code require} and {@code force}, false for {@code disable} and {@code forbid};
 * {@code policy} keeps the spelling.
 */
public record CpuFeature(String policy, String name) {

	public boolean enabled() {
		return "require".equals(this.policy) || "force".equals(this.policy);
	}

}
