package io.github.qemuembed.driver.internal.xml;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DomainRequirementsTests {

	@Test
	void listsEveryElementThatNeedsASecondaryDriver() {
		DomainDefinition def = DomainXml.parse("<domain type='kvm'><name>r</name><memory>1024</memory>"
				+ "<os><type>hvm</type></os><devices>"
				+ "<disk type='file'><source file='/a'/><target dev='vda'/></disk>"
				+ "<disk type='volume'><source pool='p' volume='v'/><target dev='vdb'/>"
				+ "<encryption format='luks'><secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/>"
				+ "</encryption></disk>"
				+ "<interface type='user'/><interface type='network'><source network='default'/></interface>"
				+ "</devices></domain>");
		assertThat(DomainRequirements.of(def)).containsExactly(
				new Requirement(SecondaryKind.STORAGE, "/domain/devices/disk[2]", "<disk type='volume'>"),
				new Requirement(SecondaryKind.SECRET, "/domain/devices/disk[2]/encryption",
						"<encryption format='luks'>"),
				new Requirement(SecondaryKind.NETWORK, "/domain/devices/interface[2]", "<interface type='network'>"));
	}

	@Test
	void nothingForSelfContainedDomains() {
		DomainDefinition def = DomainXml.parse("<domain type='kvm'><name>r</name><memory>1024</memory>"
				+ "<os><type>hvm</type></os><devices><interface type='user'/></devices></domain>");
		assertThat(DomainRequirements.of(def)).isEmpty();
	}

}
