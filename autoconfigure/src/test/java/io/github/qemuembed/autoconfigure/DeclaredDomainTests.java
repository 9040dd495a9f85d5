package io.github.qemuembed.autoconfigure;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeclaredDomainTests {

	@Test
	void nameIsReadFromTheDomainElement() {
		assertThat(DeclaredDomain.nameIn("<domain type='kvm'><uuid>x</uuid><name> web </name></domain>"))
			.contains("web");
	}

	@Test
	void nestedNameElementsAreNotTheDomainName() {
		assertThat(DeclaredDomain.nameIn("<domain><devices><disk><name>x</name></disk></devices></domain>")).isEmpty();
	}

	@Test
	void malformedXmlIsLeftToTheDriver() {
		assertThat(DeclaredDomain.nameIn("<domain><name>web</nam></domain>")).isEmpty();
		assertThat(DeclaredDomain.nameIn("not xml")).isEmpty();
	}

	@Test
	void documentTypeDeclarationsAreRefused() {
		String xml = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/hostname'>]>"
				+ "<domain><name>&e;</name></domain>";
		assertThat(DeclaredDomain.nameIn(xml)).isEmpty();
	}

	@Test
	void redefinitionWithoutUuidTakesTheExistingOne() {
		UUID uuid = UUID.randomUUID();
		DeclaredDomain declared = new DeclaredDomain("web",
				"<domain type='kvm'><name>web</name><vcpu>1</vcpu></domain>", "test", true, true);
		String xml = declared.xmlFor(uuid);
		assertThat(xml)
			.isEqualTo("<domain type='kvm'><name>web</name><uuid>" + uuid + "</uuid><vcpu>1</vcpu></domain>");
		assertThat(DeclaredDomain.nameIn(xml)).contains("web");
	}

	@Test
	void redefinitionWithUuidKeepsItsOwn() {
		String own = "<domain><name>web</name><uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid></domain>";
		assertThat(new DeclaredDomain("web", own, "test", true, true).xmlFor(UUID.randomUUID())).isEqualTo(own);
	}

}
