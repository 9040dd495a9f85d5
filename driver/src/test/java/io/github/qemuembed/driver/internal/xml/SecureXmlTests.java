package io.github.qemuembed.driver.internal.xml;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SecureXmlTests {

	@Test
	void parsesAnElementAndItsChildren() {
		Element root = SecureXml.parseElement("<secret ephemeral='no'><uuid> u </uuid><usage/></secret>", "secret");
		assertThat(root.getTagName()).isEqualTo("secret");
		assertThat(SecureXml.attribute(root, "ephemeral")).hasValue("no");
		assertThat(SecureXml.attribute(root, "private")).isEmpty();
		assertThat(SecureXml.childText(root, "uuid")).hasValue("u");
		assertThat(SecureXml.children(root)).extracting(Element::getTagName).containsExactly("uuid", "usage");
	}

	@Test
	void everyDocumentGetsTheSameLimitsAndOneTypedError() {
		String entity = "<!DOCTYPE v [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><volume>&x;</volume>";
		String deep = "<a>".repeat(SecureXml.MAX_DEPTH + 1) + "</a>".repeat(SecureXml.MAX_DEPTH + 1);
		String huge = "<volume>" + "x".repeat(SecureXml.MAX_CHARS) + "</volume>";
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> SecureXml.parseElement(entity, "volume"))
			.withMessageContaining("DOCTYPE declarations are not allowed")
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.XML_ERROR));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> SecureXml.parseElement(deep, "volume"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> SecureXml.parseElement(huge, "volume"))
			.withMessageContaining("<volume>");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> SecureXml.parseElement(" ", "pool"))
			.withMessage("The document is empty; give a <pool> element");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> SecureXml.parseElement("<pool><name>", "pool"))
			.withMessageContaining("Malformed XML at line 1");
	}

	@Test
	void escapedTextReadsBackUnchanged() {
		String text = "a<b>&'c\"\td\ne";
		Element content = SecureXml.parseElement("<n>" + SecureXml.escape(text) + "</n>", "n");
		assertThat(content.getTextContent()).isEqualTo(text);
		Element single = SecureXml.parseElement("<n v='" + SecureXml.escape(text, true) + "'/>", "n");
		assertThat(single.getAttribute("v")).isEqualTo(text);
		Element dbl = SecureXml.parseElement("<n v=\"" + SecureXml.escape(text, true) + "\"/>", "n");
		assertThat(dbl.getAttribute("v")).isEqualTo(text);
		assertThat(SecureXml.escape("it's \"x\"", false)).as("content keeps quotes readable").isEqualTo("it's \"x\"");
		assertThat(SecureXml.escape("it's", true)).isEqualTo("it&apos;s");
	}

}
