package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
	void aBuilderUsedBeforeGivesTheNextDocumentTheSameLimitsAndMessages() {
		String entity = "<!DOCTYPE v [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><volume>&x;</volume>";
		String deep = "<a>".repeat(SecureXml.MAX_DEPTH + 1) + "</a>".repeat(SecureXml.MAX_DEPTH + 1);
		String deepest = "<a>".repeat(SecureXml.MAX_DEPTH) + "</a>".repeat(SecureXml.MAX_DEPTH);
		String large = "<n>" + "x".repeat(SecureXml.POOLED_MAX_CHARS) + "</n>";
		String malformedMessage = null;
		// more rounds than pooled builders, so that every builder is reused after each
		// kind of document
		for (int i = 0; i < SecureXml.POOL_SIZE * 3; i++) {
			assertThat(SecureXml.parseElement("<n v='" + i + "'/>", "n").getAttribute("v")).isEqualTo("" + i);
			InvalidConfigurationException malformed = catchThrowableOfType(InvalidConfigurationException.class,
					() -> SecureXml.parseElement("<n>\n <m></n>", "n"));
			assertThat(malformed.getMessage()).startsWith("Malformed XML at line 2, column ");
			if (malformedMessage != null) {
				assertThat(malformed.getMessage()).isEqualTo(malformedMessage);
			}
			malformedMessage = malformed.getMessage();
			assertThat(SecureXml.parseElement("<n><m>" + i + "</m></n>", "n").getTextContent()).isEqualTo("" + i);
			assertThatExceptionOfType(InvalidConfigurationException.class)
				.isThrownBy(() -> SecureXml.parseElement(entity, "volume"))
				.withMessageContaining("DOCTYPE declarations are not allowed");
			assertThatExceptionOfType(InvalidConfigurationException.class)
				.isThrownBy(() -> SecureXml.parseElement(deep, "volume"));
			assertThat(SecureXml.parseElement(deepest, "a").getTagName()).isEqualTo("a");
			assertThat(SecureXml.parseElement(large, "n").getTextContent()).hasSize(SecureXml.POOLED_MAX_CHARS);
		}
	}

	@Test
	void parsesOnSeveralThreadsAtOnceGiveEachItsOwnDocument() throws Exception {
		int threads = SecureXml.POOL_SIZE * 2;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				Callable<Integer> task = () -> {
					for (int i = 0; i < 200; i++) {
						String id = thread + "-" + i;
						if (i % 7 == thread % 7) {
							assertThatExceptionOfType(InvalidConfigurationException.class)
								.isThrownBy(() -> SecureXml.parseElement("<n id='" + id + "'><m></n>", "n"))
								.withMessageStartingWith("Malformed XML at line 1");
							continue;
						}
						Element root = SecureXml.parseElement("<n id='" + id + "'><m>" + id + "</m></n>", "n");
						assertThat(root.getAttribute("id")).isEqualTo(id);
						assertThat(SecureXml.childText(root, "m")).hasValue(id);
						DomainDefinition definition = DomainXml
							.parse("<domain type='qemu'><name>vm" + id + "</name><memory unit='MiB'>" + (i + 1)
									+ "</memory><os><type>hvm</type></os></domain>");
						assertThat(definition.name()).isEqualTo("vm" + id);
						assertThat(definition.memoryKiB()).isEqualTo((i + 1) * 1024L);
					}
					return thread;
				};
				results.add(executor.submit(task));
			}
			for (int t = 0; t < threads; t++) {
				assertThat(results.get(t).get()).isEqualTo(t);
			}
		}
		finally {
			executor.shutdownNow();
		}
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
