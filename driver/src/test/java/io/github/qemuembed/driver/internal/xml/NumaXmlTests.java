package io.github.qemuembed.driver.internal.xml;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code <cpu><numa>}: cells, their memory as the domain's, distances, and libvirt's
 * rules.
 */
class NumaXmlTests {

	static String domain(String memory, String vcpus, String numa) {
		return "<domain type='qemu'><name>n</name>" + memory + "<vcpu>" + vcpus + "</vcpu><os><type>hvm</type></os>"
				+ "<cpu mode='maximum'><numa>" + numa + "</numa></cpu></domain>";
	}

	static final String TWO_CELLS = "<cell id='0' cpus='0-1' memory='64' unit='MiB'><distances><sibling id='0' value='10'/>"
			+ "<sibling id='1' value='21'/></distances></cell><cell id='1' cpus='2,3' memory='32768' memAccess='shared'/>";

	@Test
	void cellsAreReadAndTheirSumIsTheMemoryAsInLibvirt() {
		DomainDefinition def = DomainXml.parse(domain("<memory unit='MiB'>512</memory>", "4", TWO_CELLS));
		assertThat(def.cpu().get().numa()).containsExactly(
				new NumaCell(0, Optional.of("0-1"), 65536, Optional.empty(), Map.of(0, 10, 1, 21)),
				new NumaCell(1, Optional.of("2-3"), 32768, Optional.of("shared"), Map.of()));
		assertThat(def.memoryKiB()).isEqualTo(98304);
		assertThat(def.currentMemoryKiB()).isEqualTo(98304);
		// <memory> may be left out when the cells give it
		assertThat(DomainXml.parse(domain("", "4", TWO_CELLS)).memoryKiB()).isEqualTo(98304);
		assertThat(DomainXml.parse(DomainXml.write(def, true))).isEqualTo(def);
		assertThat(DomainXml.write(def, false))
			.contains("<cell id='1' cpus='2-3' memory='32768' unit='KiB' " + "memAccess='shared'/>");
	}

	@Test
	void aMemoryOnlyCellHasNoCpus() {
		DomainDefinition def = DomainXml
			.parse(domain("", "2", "<cell cpus='0-1' memory='65536'/><cell memory='1024'/>"));
		assertThat(def.cpu().get().numa().get(1).cpus()).isEmpty();
		assertThat(def.cpu().get().numa().get(1).id()).isEqualTo(1);
	}

	@Test
	void libvirtsRulesAreKept() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("", "4", "<cell id='1' cpus='0' memory='1024'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/cpu/numa/cell[1]/@id"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml
				.parse(domain("", "4", "<cell cpus='0-2' memory='1024'/><cell cpus='2-3' memory='1024'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/cpu/numa/cell[2]/@cpus"))
			.withMessageContaining("shares vCPUs");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("", "2", "<cell cpus='0-3' memory='1024'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/cpu/numa/cell[1]/@cpus"))
			.withMessageContaining("vCPU count (2)");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("", "2", "<cell cpus='0-1'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/cpu/numa/cell[1]/@memory"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("", "2", "")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/cpu/numa"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("", "2",
					"<cell memory='1024'><distances><sibling id='3' value='20'/>" + "</distances></cell>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/cpu/numa/cell[1]/distances/sibling[1]/@id"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("", "2",
					"<cell memory='1024'><distances><sibling id='0' value='20'/>" + "</distances></cell>")))
			.withMessageContaining("itself is 10");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("", "2", "<cell memory='1024' discard='yes'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/cpu/numa/cell[1]/@discard"));
	}

}
