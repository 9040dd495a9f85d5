package io.github.qemuembed.autoconfigure;

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
		assertThat(DeclaredDomain.nameIn("<domain><devices><disk><name>x</name></disk></devices></domain>"))
			.isEmpty();
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

}
