package io.github.qemuembed.driver.internal.xml;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import io.github.qemuembed.driver.error.ConfigurationException;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A large corpus of odd and malformed documents, derived from the golden files and
 * written by hand: every one must end in one of the two typed configuration exceptions
 * (or, for harmless value changes, parse) and never in any other exception.
 */
class MalformedCorpusTests {

	static final Path GOLDEN = Path.of("src/test/resources/golden");

	static List<String> sources() throws IOException {
		try (Stream<Path> files = Files.list(GOLDEN)) {
			List<String> sources = new ArrayList<>();
			for (Path file : files
				.filter((f) -> f.toString().endsWith(".xml") && !f.toString().endsWith(".assigned.xml"))
				.sorted()
				.toList()) {
				sources.add(Files.readString(file));
			}
			return sources;
		}
	}

	static ConfigurationException refusal(String xml, String why) {
		try {
			DomainXml.parse(xml);
		}
		catch (InvalidConfigurationException | UnsupportedConfigurationException ex) {
			return ex;
		}
		catch (RuntimeException ex) {
			throw new AssertionError(why + ": unexpected " + ex, ex);
		}
		throw new AssertionError("accepted: " + why);
	}

	static void assertRefused(String xml, String why) {
		refusal(xml, why);
	}

	/** Parses or refuses with a typed exception; anything else fails the test. */
	static void assertParsesOrRefused(String xml, String why) {
		try {
			DomainXml.parse(xml);
		}
		catch (ConfigurationException ex) {
			assertThat(ex.getMessage()).as(why).isNotBlank();
		}
		catch (RuntimeException ex) {
			throw new AssertionError(why + ": unexpected " + ex, ex);
		}
	}

	@Test
	void everyTruncationIsRefused() throws IOException {
		int count = 0;
		for (String source : sources()) {
			String trimmed = source.trim();
			for (int length = 0; length < trimmed.length() - 1; length += 7) {
				assertRefused(trimmed.substring(0, length), "truncated at " + length);
				count++;
			}
		}
		assertThat(count).isGreaterThan(500);
	}

	@Test
	void unknownElementAtEveryLevelIsRefusedWithItsPath() throws Exception {
		int count = 0;
		for (String source : sources()) {
			Document document = dom(source);
			List<Element> elements = elements(document.getDocumentElement());
			for (int i = 0; i < elements.size(); i++) {
				Document copy = dom(source);
				Element target = elements(copy.getDocumentElement()).get(i);
				if (QemuCommandline.NAMESPACE.equals(target.getNamespaceURI()) || isInMetadata(target)) {
					continue;
				}
				target.appendChild(copy.createElementNS(null, "bogus"));
				String xml = serialize(copy);
				ConfigurationException ex = refusal(xml, target.getTagName() + " in " + xml);
				if (ex instanceof UnsupportedConfigurationException) {
					assertThat(ex.path()).as(xml).endsWith("/bogus[1]");
				}
				count++;
			}
		}
		assertThat(count).isGreaterThan(100);
	}

	@Test
	void unknownAttributeOnEveryElementIsRefusedWithItsPath() throws Exception {
		for (String source : sources()) {
			int size = elements(dom(source).getDocumentElement()).size();
			for (int i = 0; i < size; i++) {
				Document copy = dom(source);
				Element target = elements(copy.getDocumentElement()).get(i);
				if (QemuCommandline.NAMESPACE.equals(target.getNamespaceURI()) || isInMetadata(target)) {
					continue;
				}
				target.setAttributeNS(null, "bogusattr", "1");
				String xml = serialize(copy);
				ConfigurationException ex = refusal(xml, target.getTagName() + " in " + xml);
				assertThat(ex).as(xml).isInstanceOf(UnsupportedConfigurationException.class);
				assertThat(ex.path()).as(xml).endsWith("/@bogusattr");
			}
		}
	}

	@Test
	void wrongTypedAttributeValuesAreRefusedOrHarmless() throws Exception {
		String[] values = { "", "abc", "-1", "0x", "99999999999999999999999", "\u00e9,x=y" };
		int count = 0;
		for (String source : sources()) {
			Document document = dom(source);
			List<Element> elements = elements(document.getDocumentElement());
			for (int i = 0; i < elements.size(); i++) {
				NamedNodeMap attributes = elements.get(i).getAttributes();
				for (int a = 0; a < attributes.getLength(); a++) {
					String name = ((Attr) attributes.item(a)).getName();
					if (name.startsWith("xmlns")) {
						continue;
					}
					for (String value : values) {
						Document copy = dom(source);
						elements(copy.getDocumentElement()).get(i).setAttribute(name, value);
						assertParsesOrRefused(serialize(copy), name + "=" + value);
						count++;
					}
				}
			}
		}
		assertThat(count).isGreaterThan(500);
	}

	@Test
	void wrongTypedTextIsRefusedOrHarmless() throws Exception {
		String[] values = { "", "abc", "-5", "99999999999999999999999", "<&>" };
		for (String source : sources()) {
			Document document = dom(source);
			List<Element> elements = elements(document.getDocumentElement());
			for (int i = 0; i < elements.size(); i++) {
				Element element = elements.get(i);
				if (hasChildElements(element) || isInMetadata(element)) {
					continue;
				}
				for (String value : values) {
					Document copy = dom(source);
					elements(copy.getDocumentElement()).get(i).setTextContent(value);
					String xml;
					try {
						xml = serialize(copy);
					}
					catch (Exception ex) {
						continue;
					}
					assertParsesOrRefused(xml, element.getTagName() + " text " + value);
				}
			}
		}
	}

	@Test
	void garbageIsRefused() {
		List<String> garbage = new ArrayList<>(List.of("", " ", "not xml", "<", "<domain", "<domain/>",
				"<domain type='kvm'/>", "<domain type='kvm'></domain>", "<notdomain type='kvm'/>",
				"<x:domain xmlns:x='urn:x' type='kvm'><name>a</name></x:domain>", "\u0000\u0001\u0002",
				"<?xml version='1.0'?>", "<!-- only a comment -->", "<domain type='kvm'><name>a</name></domain>",
				"<domain type='xen'><name>a</name><memory>1</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>linux</type></os></domain>",
				"<domain type='kvm'><name>a</name><name>b</name><memory>1</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>text</domain>",
				"<domain type='kvm'><name>a</name><memory>0</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>-1</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory unit='KiB'>1.5</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory unit='EiB'>16</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory unit='EiB'>9999999</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><vcpu>0</vcpu><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><vcpu>100000</vcpu><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><vcpu current='3'>2</vcpu><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><vcpu placement='auto'>2</vcpu><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><vcpu placement='auto'>2</vcpu><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>2</memory><currentMemory>3</currentMemory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><uuid>not-a-uuid</uuid><memory>1</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><uuid>1-1-1-1-1</uuid><memory>1</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>" + "n".repeat(5000)
						+ "</name><memory>1</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a\u0001b</name><memory>1</memory><os><type>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type><initrd>/i</initrd></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type><kernel>relative</kernel></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type><boot dev='hd'/><boot dev='hd'/></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type arch='aarch64'>hvm</type></os></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type machine='virt'>hvm</type></os><devices/></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><on_reboot>preserve</on_reboot></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><on_poweroff>rename-restart</on_poweroff></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><clock offset='variable'/></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><pm><suspend-to-ram/></pm></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><pm><suspend-to-mem/></pm></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<clock offset='utc'><timer name='tsc'/></clock></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<clock offset='utc'><timer name='rtc'/><timer name='rtc'/></clock></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<clock offset='utc'><timer name='hpet' tickpolicy='delay'/></clock></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<features><vmport/></features></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<cpu mode='custom' migratable='on'><model>qemu64</model></cpu></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type machine='q35'>hvm</type></os><devices>"
						+ "<controller type='sata'><address type='pci' slot='0x05'/></controller></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><vcpu>2</vcpu><os><type>hvm</type></os>"
						+ "<cpu><topology sockets='3' cores='1' threads='1'/></cpu></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<cpu mode='host-model'><model>qemu64</model></cpu></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><disk type='file'><target dev='vda'/></disk></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><disk type='file'><source file='/a'/><target dev='xda'/></disk></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><disk type='file'><source file='/a'/><target dev='vda' bus='sata'/></disk></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><disk type='network'><source protocol='nbd'/><target dev='vda'/></disk></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><disk device='cdrom'><target dev='vda'/></disk></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><interface type='user'><mac address='52:54:00:zz:00:01'/></interface></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><interface type='user'><mac address='52:54:00:00:00:01'/></interface>"
						+ "<interface type='user'><mac address='52:54:00:00:00:01'/></interface></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><interface type='network'/></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><serial type='pty'/><serial type='pty'><target port='0'/></serial></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><graphics type='rdp'/></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><graphics type='vnc' passwd='muchtoolongpassword'/></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><vsock model='virtio'><cid auto='yes'/></vsock></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><rng model='virtio'><backend model='random'>/etc/shadow</backend></rng></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><filesystem type='mount'/></devices></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
						+ "<devices><disk><source file='/a'/><target dev='vda'/><address type='pci' slot='0x20'/></disk></devices></domain>",
				"<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><name>a</name><memory>1</memory>"
						+ "<os><type>hvm</type></os><qemu:commandline><qemu:env name='1BAD' value='x'/></qemu:commandline></domain>",
				"<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><name>a</name><memory>1</memory>"
						+ "<os><type>hvm</type></os><qemu:commandline><qemu:other/></qemu:commandline></domain>",
				"<domain type='kvm' xmlns:x='urn:x'><name>a</name><memory>1</memory><os><type>hvm</type></os><x:ext/></domain>",
				"<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><metadata><plain/></metadata></domain>"));
		// Security: DTDs, external entities, entity expansion, XInclude.
		garbage.add("<?xml version='1.0'?><!DOCTYPE domain SYSTEM 'http://example.invalid/domain.dtd'>"
				+ "<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os></domain>");
		garbage.add("<!DOCTYPE d [<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;]><domain type='kvm'/>");
		garbage.add("<!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
				+ "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>]>"
				+ "<domain type='kvm'><name>&d;</name><memory>1</memory><os><type>hvm</type></os></domain>");
		garbage.add("<domain type='kvm' xmlns:xi='http://www.w3.org/2001/XInclude'><name>a</name><memory>1</memory>"
				+ "<os><type>hvm</type></os><xi:include href='file:///etc/passwd' parse='text'/></domain>");
		garbage.add(
				"<domain type='kvm'><name>&amp;&lt;</name><memory>1</memory><os><type>hvm</type></os>&undefined;</domain>");
		// Size and depth.
		garbage.add("<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><description>"
				+ "x".repeat(2 * 1024 * 1024) + "</description></domain>");
		garbage.add("<domain type='kvm'><metadata>" + "<a xmlns='urn:a'>".repeat(5000) + "</a>".repeat(5000)
				+ "</metadata></domain>");
		garbage.add("<domain type='kvm' " + "x".repeat(500_000) + "='1'/>");
		for (String xml : garbage) {
			assertRefused(xml, xml.length() > 200 ? xml.substring(0, 200) : xml);
		}
	}

	private static boolean isInMetadata(Element element) {
		for (Node node = element; node != null; node = node.getParentNode()) {
			if ("metadata".equals(node.getLocalName()) || QemuCommandline.NAMESPACE.equals(node.getNamespaceURI())) {
				return true;
			}
		}
		return false;
	}

	private static boolean hasChildElements(Element element) {
		NodeList children = element.getChildNodes();
		for (int i = 0; i < children.getLength(); i++) {
			if (children.item(i) instanceof Element) {
				return true;
			}
		}
		return false;
	}

	private static List<Element> elements(Element root) {
		List<Element> all = new ArrayList<>();
		all.add(root);
		NodeList children = root.getChildNodes();
		for (int i = 0; i < children.getLength(); i++) {
			if (children.item(i) instanceof Element child) {
				all.addAll(elements(child));
			}
		}
		return all;
	}

	private static Document dom(String xml) {
		try {
			return DOCUMENTS.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
		}
		catch (Exception ex) {
			fail("test corpus source does not parse", ex);
			return null;
		}
	}

	private static final TransformerFactory TRANSFORMERS = TransformerFactory.newInstance();

	private static final DocumentBuilderFactory DOCUMENTS = DocumentBuilderFactory.newInstance();

	static {
		DOCUMENTS.setNamespaceAware(true);
	}

	private static String serialize(Document document) throws Exception {
		StringWriter out = new StringWriter();
		TRANSFORMERS.newTransformer().transform(new DOMSource(document), new StreamResult(out));
		return out.toString();
	}

}
