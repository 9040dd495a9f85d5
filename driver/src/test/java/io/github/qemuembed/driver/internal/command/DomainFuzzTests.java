package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import io.github.qemuembed.driver.error.ConfigurationException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainRequirements;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded mutation fuzzing of the whole path a user's XML takes: parse, validate, write
 * back, build the argv. Every mutant of every golden and corpus document must end in
 * exactly one verdict: a definition (whose argv builds, or is refused with a typed error)
 * or a typed {@link ConfigurationException} with a message. Any other exception fails the
 * test, and the test reports every such case, not only the first.
 */
class DomainFuzzTests {

	private static final long SEED = 0x5EED_13L;

	private static final String[] VALUES = { "", " ", "0", "-1", "1", "0x", "0xffffffffffffffff",
			"99999999999999999999999", "18446744073709551616", "abc", "yes", "on", "none", "/", "/dev/null",
			"\u00e9\u4e2d", "a,b=c", "x".repeat(5000), "9".repeat(400), "1.5", "NaN", "-0", "+1" };

	/**
	 * How many written-back golden files, and how many virt-install corpus files, seed
	 * mutations.
	 */
	private static final int SAMPLE_SIZE = 3;

	/** One in SAMPLE of the value mutations is tried (removals are all tried). */
	private static final int SAMPLE = 3;

	private static final DocumentBuilderFactory DOCUMENTS = DocumentBuilderFactory.newInstance();

	private static final TransformerFactory TRANSFORMERS = TransformerFactory.newInstance();

	static {
		DOCUMENTS.setNamespaceAware(true);
	}

	private static final String FLIPS = "<>/='\"& ax0-9\u0000\u00e9";

	private final List<String> failures = new ArrayList<>();

	private int cases;

	private int accepted;

	/**
	 * The golden inputs, and seeded samples of the written-back golden files (with every
	 * address) and of the virt-install corpus (long files, much alike): enough shapes,
	 * and a test of seconds.
	 */
	static List<Path> seeds(Random random) throws IOException {
		List<Path> seeds = new ArrayList<>();
		List<Path> assigned = new ArrayList<>();
		try (Stream<Path> files = Files.list(GoldenArgvTests.GOLDEN)) {
			files.filter((file) -> file.toString().endsWith(".xml"))
				.sorted()
				.forEach((file) -> (file.toString().endsWith(".assigned.xml") ? assigned : seeds).add(file));
		}
		Collections.shuffle(assigned, random);
		seeds.addAll(assigned.subList(0, Math.min(SAMPLE_SIZE, assigned.size())));
		try (Stream<Path> files = Files.list(VirtInstallCorpusTests.CORPUS)) {
			List<Path> corpus = new ArrayList<>(files
				.filter((file) -> file.toString().endsWith(".xml") && !file.toString().endsWith(".assigned.xml"))
				.sorted()
				.toList());
			Collections.shuffle(corpus, random);
			seeds.addAll(corpus.subList(0, Math.min(SAMPLE_SIZE, corpus.size())));
		}
		return seeds;
	}

	@Test
	void everyMutantGetsExactlyOneTypedVerdict() throws Exception {
		Random random = new Random(SEED);
		List<Path> seeds = seeds(random);
		assertThat(seeds).hasSizeGreaterThan(10);
		for (Path seed : seeds) {
			String source = Files.readString(seed);
			String name = seed.getFileName().toString();
			check(source, name);
			int elementCount = elements(dom(source).getDocumentElement()).size();
			for (int i = 0; i < elementCount; i++) {
				int index = i;
				mutate(source, name + " without element " + i, (doc) -> {
					Element target = elementAt(doc, index);
					if (target != doc.getDocumentElement()) {
						target.getParentNode().removeChild(target);
					}
				});
				// the other mutations of an element are sampled, so that the test stays
				// at a few seconds
				if (random.nextInt(SAMPLE) == 0) {
					mutate(source, name + " with element " + i + " twice", (doc) -> {
						Element target = elementAt(doc, index);
						if (target != doc.getDocumentElement()) {
							target.getParentNode().insertBefore(target.cloneNode(true), target);
						}
					});
					mutate(source, name + " with element " + i + " emptied", (doc) -> {
						Element target = elementAt(doc, index);
						while (target.getFirstChild() != null) {
							target.removeChild(target.getFirstChild());
						}
					});
					String value = VALUES[random.nextInt(VALUES.length)];
					mutate(source, name + " with element " + i + " text '" + abbreviate(value) + "'", (doc) -> {
						Element target = elementAt(doc, index);
						if (!hasChildElements(target)) {
							target.setTextContent(value);
						}
					});
				}
				NamedNodeMap attributes = elementAt(dom(source), i).getAttributes();
				for (int a = 0; a < attributes.getLength(); a++) {
					String attr = ((Attr) attributes.item(a)).getName();
					if (attr.startsWith("xmlns")) {
						continue;
					}
					mutate(source, name + " without " + attr + " of element " + i,
							(doc) -> elementAt(doc, index).removeAttribute(attr));
					if (random.nextInt(SAMPLE) == 0) {
						String other = VALUES[random.nextInt(VALUES.length)];
						mutate(source, name + " with " + attr + "='" + abbreviate(other) + "' on element " + i,
								(doc) -> elementAt(doc, index).setAttribute(attr, other));
					}
				}
			}
			String trimmed = source.trim();
			for (int n = 0; n < 10; n++) {
				int length = random.nextInt(trimmed.length());
				check(trimmed.substring(0, length), name + " truncated at " + length);
			}
			for (int n = 0; n < 15; n++) {
				char[] chars = trimmed.toCharArray();
				int flips = 1 + random.nextInt(4);
				for (int f = 0; f < flips; f++) {
					chars[random.nextInt(chars.length)] = FLIPS.charAt(random.nextInt(FLIPS.length()));
				}
				check(new String(chars), name + " with " + flips + " characters changed (round " + n + ")");
			}
		}
		for (int n = 0; n < 200; n++) {
			byte[] bytes = new byte[random.nextInt(300)];
			random.nextBytes(bytes);
			check(new String(bytes, StandardCharsets.ISO_8859_1), "random bytes " + n);
			check("<domain type='kvm'>" + new String(bytes, StandardCharsets.UTF_8) + "</domain>",
					"random bytes in <domain> " + n);
		}
		for (int depth : new int[] { 10, 63, 64, 65, 500, 20000 }) {
			check("<domain type='kvm'><name>d</name>" + "<devices>".repeat(depth) + "</devices>".repeat(depth)
					+ "</domain>", "nesting " + depth);
			check("<domain type='kvm'><name>d</name><memory>64</memory><os><type>hvm</type></os><metadata>"
					+ "<m:a xmlns:m='urn:m'>".repeat(depth) + "</m:a>".repeat(depth) + "</metadata></domain>",
					"metadata nesting " + depth);
		}
		check("<domain type='kvm'><name>" + "n".repeat(1024 * 1024) + "</name></domain>", "1 MiB name");
		check("<domain type='kvm'><name>big</name><memory unit='EiB'>9223372036854775807</memory>"
				+ "<os><type>hvm</type></os></domain>", "huge memory");
		assertThat(this.failures).as("inputs that did not end in a typed verdict").isEmpty();
		assertThat(this.cases).isGreaterThan(2000);
		// the mutants are not all refused: harmless removals and the seeds themselves
		// still run
		assertThat(this.accepted).isGreaterThan(this.cases / 20);
	}

	private void mutate(String source, String why, Consumer<Document> mutation) {
		Document doc = dom(source);
		mutation.accept(doc);
		String xml;
		try {
			xml = serialize(doc);
		}
		catch (RuntimeException ex) {
			return; // a mutant the serializer cannot even write (e.g. a NUL in text) is
					// no input
		}
		check(xml, why);
	}

	/**
	 * One verdict per input: a definition whose argv builds (or is refused typed), or a
	 * typed refusal.
	 */
	private void check(String xml, String why) {
		this.cases++;
		DomainDefinition def;
		try {
			def = DomainXml.parse(xml);
		}
		catch (ConfigurationException ex) {
			if (ex.getMessage() == null || ex.getMessage().isBlank()) {
				this.failures.add(why + ": a refusal without a message");
			}
			return;
		}
		catch (RuntimeException | StackOverflowError ex) {
			this.failures.add(why + ": " + describe(ex));
			return;
		}
		try {
			DomainRequirements.of(def);
			DomainDefinition again = DomainXml.parse(DomainXml.write(def, true));
			if (!again.equals(def)) {
				this.failures.add(why + ": the written-back definition differs");
			}
			QemuCommandBuilder.build(def, TestCapabilities.qemu72(), GoldenArgvTests.context(def));
			this.accepted++;
		}
		catch (QemuEmbedException ex) {
			// refused at build time with a typed error (e.g. a volume the storage driver
			// does not know): one verdict
		}
		catch (RuntimeException | StackOverflowError ex) {
			this.failures.add(why + ": after parsing: " + describe(ex));
		}
	}

	private static String describe(Throwable ex) {
		for (StackTraceElement frame : ex.getStackTrace()) {
			if (frame.getClassName().startsWith("io.github.qemuembed")) {
				return ex + " at " + frame;
			}
		}
		return ex.toString();
	}

	private static String abbreviate(String value) {
		return value.length() <= 12 ? value : value.substring(0, 12) + "...";
	}

	static Document dom(String xml) {
		try {
			return DOCUMENTS.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String serialize(Document document) {
		try {
			StringWriter out = new StringWriter();
			TRANSFORMERS.newTransformer().transform(new DOMSource(document), new StreamResult(out));
			return out.toString();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static Element elementAt(Document document, int index) {
		return elements(document.getDocumentElement()).get(index);
	}

	static List<Element> elements(Element root) {
		List<Element> all = new ArrayList<>();
		all.add(root);
		NodeList nodes = root.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			if (nodes.item(i) instanceof Element child) {
				all.addAll(elements(child));
			}
		}
		return all;
	}

	static boolean hasChildElements(Element element) {
		NodeList nodes = element.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
				return true;
			}
		}
		return false;
	}

}
