package io.github.qemuembed.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Records which declared XML a domain was defined from, so that a later start can tell
 * whether the declaration changed. The definition the driver keeps is not the declared
 * text (it assigns device addresses when the domain first starts), so the two cannot be
 * compared directly; instead a digest of the declared XML goes into the domain's
 * {@code <metadata>}, in the starter's own namespace as libvirt wants for applications'
 * data, and survives in the stored and the live definition.
 * <p>
 * The digest is of the XML as the driver reads and writes it, without secrets: layout and
 * comments do not count as changes, and no digest of a password is ever stored.
 */
final class DeclaredXmlStamp {

	static final String NAMESPACE = "urn:qemu-embed:declared";

	private static final Pattern STAMP = Pattern
		.compile("<(?:[\\w.-]+:)?declared\\b[^>]*\\b" + Pattern.quote(NAMESPACE) + "[^>]*>");

	private static final Pattern DIGEST = Pattern.compile("\\bsha256=[\"']([0-9a-f]{64})[\"']");

	private DeclaredXmlStamp() {
	}

	/**
	 * The digest of a declared XML (with its UUID already settled, see
	 * {@link DeclaredDomain#xmlFor}).
	 */
	static String digest(String xml) {
		String canonical;
		try {
			canonical = DomainXml.write(DomainXml.parse(xml), false);
		}
		catch (RuntimeException ex) {
			// the driver will refuse it with the path of the problem; any digest will do
			// until then
			canonical = xml;
		}
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JDK has SHA-256", ex);
		}
	}

	/** The digest recorded in a domain's XML, if it was defined by the starter. */
	static Optional<String> recorded(String domainXml) {
		Matcher stamp = STAMP.matcher(domainXml);
		while (stamp.find()) {
			Matcher digest = DIGEST.matcher(stamp.group());
			if (digest.find()) {
				return Optional.of(digest.group(1));
			}
		}
		return Optional.empty();
	}

	/**
	 * The XML with the digest added to its {@code <metadata>} (made when missing). XML
	 * that cannot be parsed is returned unchanged, for the driver to report.
	 */
	static String stamped(String xml, String digest) {
		try {
			Document document = SecureXml.parseElement(xml, "domain").getOwnerDocument();
			Element domain = document.getDocumentElement();
			Element metadata = child(domain, "metadata");
			if (metadata == null) {
				metadata = document.createElement("metadata");
				domain.appendChild(metadata);
			}
			Element stamp = document.createElementNS(NAMESPACE, "qe:declared");
			stamp.setAttribute("sha256", digest);
			metadata.appendChild(stamp);
			return SecureXml.serialize(domain);
		}
		catch (Exception ex) {
			return xml;
		}
	}

	private static Element child(Element parent, String name) {
		for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element && name.equals(element.getLocalName())) {
				return element;
			}
		}
		return null;
	}

}
