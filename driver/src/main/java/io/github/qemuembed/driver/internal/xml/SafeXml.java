package io.github.qemuembed.driver.internal.xml;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Parses the small XML documents libvirt exchanges about networks, volumes and secrets,
 * with DTDs and external entities refused (the text may come from a daemon or from a file
 * another user wrote).
 */
public final class SafeXml {

	private SafeXml() {
	}

	/**
	 * Parses a document; {@link IllegalArgumentException} with the parser's reason when
	 * it is not well formed.
	 */
	public static Element parse(String xml) {
		try {
			DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
			factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
			factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
			factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
			factory.setXIncludeAware(false);
			factory.setExpandEntityReferences(false);
			factory.setNamespaceAware(false);
			DocumentBuilder builder = factory.newDocumentBuilder();
			builder.setErrorHandler(null);
			Document document = builder.parse(new InputSource(new StringReader(xml)));
			return document.getDocumentElement();
		}
		catch (ParserConfigurationException ex) {
			throw new IllegalStateException("XML parser cannot be configured securely", ex);
		}
		catch (SAXException | IOException ex) {
			throw new IllegalArgumentException("Not well-formed XML: " + ex.getMessage(), ex);
		}
	}

	/** The first child element with that name. */
	public static Optional<Element> child(Element parent, String name) {
		for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element && element.getTagName().equals(name)) {
				return Optional.of(element);
			}
		}
		return Optional.empty();
	}

	/** All child elements. */
	public static List<Element> children(Element parent) {
		List<Element> elements = new ArrayList<>();
		for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element) {
				elements.add(element);
			}
		}
		return elements;
	}

	/** An attribute, empty when absent. */
	public static Optional<String> attribute(Element element, String name) {
		return element.hasAttribute(name) ? Optional.of(element.getAttribute(name)) : Optional.empty();
	}

	/** The trimmed text of a child element, empty when the child is absent. */
	public static Optional<String> childText(Element parent, String name) {
		return child(parent, name).map((e) -> e.getTextContent().strip());
	}

	/** Escapes text for an element or an attribute in single or double quotes. */
	public static String escape(String text) {
		StringBuilder out = new StringBuilder(text.length() + 8);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '<' -> out.append("&lt;");
				case '>' -> out.append("&gt;");
				case '&' -> out.append("&amp;");
				case '\'' -> out.append("&apos;");
				case '"' -> out.append("&quot;");
				default -> out.append(c);
			}
		}
		return out.toString();
	}

}
