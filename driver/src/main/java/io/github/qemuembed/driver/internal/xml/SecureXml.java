package io.github.qemuembed.driver.internal.xml;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.EntityResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/**
 * The driver's one XML parser, for every document it reads (domain, device, snapshot,
 * network, pool, volume and secret XML, from users, files or daemons): untrusted XML
 * becomes a DOM with everything dangerous switched off: no DOCTYPE at all (so no external
 * entities and no entity expansion), no XInclude, no external schema or DTD access, a cap
 * on the document size and on element depth. Every failure is an
 * {@link InvalidConfigurationException}. Also the one place that escapes text for XML.
 */
public final class SecureXml {

	/**
	 * Largest document accepted, in characters: a domain definition is a few KiB; 1 MiB
	 * leaves ample room.
	 */
	static final int MAX_CHARS = 1024 * 1024;

	/** Deepest element nesting accepted (domain XML needs 6). */
	static final int MAX_DEPTH = 64;

	/**
	 * Most builders kept for reuse. Creating a builder costs more than parsing a domain
	 * definition with it (it sets up a whole parser configuration); a few cover the
	 * threads that parse at the same time, and one more parse than that makes one more
	 * builder, dropped afterwards.
	 */
	static final int POOL_SIZE = 4;

	/**
	 * Largest document, in characters, whose builder goes back to the pool: a parser
	 * keeps the buffers it grew, and an idle builder should stay small.
	 */
	static final int POOLED_MAX_CHARS = 64 * 1024;

	/**
	 * Built once: creating factories is slow (service lookup); {@link #newBuilder()}
	 * guards their use.
	 */
	private static final DocumentBuilderFactory FACTORY = createFactory();

	/**
	 * Builders not in use, each with the error handler and entity resolver below; a
	 * builder is used by one thread at a time and only comes back here after a parse that
	 * succeeded (see {@link #parse(String, String)}).
	 */
	private static final BlockingQueue<DocumentBuilder> BUILDERS = new ArrayBlockingQueue<>(POOL_SIZE);

	/** Stateless, so one for every builder: a warning passes, anything worse fails. */
	private static final ErrorHandler STRICT = new ErrorHandler() {
		@Override
		public void warning(SAXParseException ex) {
		}

		@Override
		public void error(SAXParseException ex) throws SAXException {
			throw ex;
		}

		@Override
		public void fatalError(SAXParseException ex) throws SAXException {
			throw ex;
		}
	};

	/**
	 * Never reached while DOCTYPEs are refused; there in case a JDK lets one through.
	 */
	private static final EntityResolver NO_ENTITIES = (publicId, systemId) -> {
		throw new SAXException("external entities are not allowed");
	};

	private static final TransformerFactory TRANSFORMERS = createTransformers();

	private SecureXml() {
	}

	private static DocumentBuilderFactory createFactory() {
		try {
			return factory();
		}
		catch (ParserConfigurationException ex) {
			throw new IllegalStateException("The JDK's XML parser cannot be secured", ex);
		}
	}

	private static TransformerFactory createTransformers() {
		TransformerFactory factory = TransformerFactory.newInstance();
		factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
		factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
		return factory;
	}

	private static DocumentBuilder newBuilder() throws ParserConfigurationException {
		DocumentBuilder builder;
		synchronized (FACTORY) {
			builder = FACTORY.newDocumentBuilder();
		}
		builder.setErrorHandler(STRICT);
		builder.setEntityResolver(NO_ENTITIES);
		return builder;
	}

	private static DocumentBuilder borrowBuilder() throws ParserConfigurationException {
		DocumentBuilder builder = BUILDERS.poll();
		return (builder != null) ? builder : newBuilder();
	}

	/**
	 * Puts a builder whose parse succeeded back in the pool, if there is room. A builder
	 * whose parse failed is not: it may still hold the half-built document, and such
	 * documents are rare enough that a new builder is cheap. The handlers are set again
	 * because {@code reset()} puts back the ones the builder was created with.
	 */
	private static void returnBuilder(DocumentBuilder builder, int chars) {
		if (chars > POOLED_MAX_CHARS) {
			return;
		}
		builder.reset();
		builder.setErrorHandler(STRICT);
		builder.setEntityResolver(NO_ENTITIES);
		BUILDERS.offer(builder);
	}

	/**
	 * Parses a domain definition.
	 * @throws InvalidConfigurationException if it is empty, too large, too deep, not well
	 * formed or declares a DOCTYPE
	 */
	static Document parse(String xml) {
		return parse(xml, "domain");
	}

	/**
	 * Parses a document whose root element should be {@code <expected>} (named in the
	 * messages; the caller checks the root) and returns that root.
	 * @throws InvalidConfigurationException if it is empty, too large, too deep, not well
	 * formed or declares a DOCTYPE
	 */
	public static Element parseElement(String xml, String expected) {
		return parse(xml, expected).getDocumentElement();
	}

	private static Document parse(String xml, String expected) {
		if (xml == null || xml.isBlank()) {
			throw new InvalidConfigurationException(null, "The document is empty; give a <" + expected + "> element");
		}
		if (xml.length() > MAX_CHARS) {
			throw new InvalidConfigurationException(null,
					"The document has " + xml.length() + " characters, more than the " + MAX_CHARS + " accepted; a <"
							+ expected + "> document is far smaller");
		}
		try {
			DocumentBuilder builder = borrowBuilder();
			Document document = builder.parse(new InputSource(new StringReader(xml)));
			returnBuilder(builder, xml.length());
			return document;
		}
		catch (SAXParseException ex) {
			throw new InvalidConfigurationException(null, "Malformed XML at line " + ex.getLineNumber() + ", column "
					+ ex.getColumnNumber() + ": " + describe(ex), ex);
		}
		catch (SAXException | IOException ex) {
			throw new InvalidConfigurationException(null, "Malformed XML: " + describe(ex), ex);
		}
		catch (ParserConfigurationException ex) {
			throw new IllegalStateException("The JDK's XML parser cannot be secured", ex);
		}
	}

	private static String describe(Exception ex) {
		String message = ex.getMessage();
		if (message != null && message.contains("DOCTYPE")) {
			return "DOCTYPE declarations are not allowed (no DTDs, no entities); remove the <!DOCTYPE ...>";
		}
		return message;
	}

	private static DocumentBuilderFactory factory() throws ParserConfigurationException {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setNamespaceAware(true);
		factory.setValidating(false);
		factory.setXIncludeAware(false);
		factory.setExpandEntityReferences(false);
		// the readers visit every node of these small documents: building the nodes
		// while parsing costs less than building an index first and nodes on demand
		factory.setFeature("http://apache.org/xml/features/dom/defer-node-expansion", false);
		factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
		factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
		factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
		factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
		factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
		factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
		factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
		factory.setAttribute("jdk.xml.maxElementDepth", MAX_DEPTH);
		factory.setAttribute("jdk.xml.entityExpansionLimit", 0);
		return factory;
	}

	/**
	 * An element and its subtree as XML text, without declaration (used to keep
	 * {@code <metadata>} verbatim).
	 */
	public static String serialize(Element element) {
		try {
			Transformer transformer;
			synchronized (TRANSFORMERS) {
				transformer = TRANSFORMERS.newTransformer();
			}
			transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
			transformer.setOutputProperty(OutputKeys.INDENT, "no");
			StringWriter out = new StringWriter();
			transformer.transform(new DOMSource(element), new StreamResult(out));
			return out.toString();
		}
		catch (TransformerException ex) {
			throw new InvalidConfigurationException(null, "Cannot keep <metadata> content: " + ex.getMessage(), ex);
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

	/**
	 * Escapes text for element content or an attribute value in single or double quotes
	 * (line breaks and tabs stay as they are: in an attribute a reader turns them into
	 * spaces).
	 */
	public static String escape(String text) {
		return escape(text, true, false);
	}

	/**
	 * Escapes text for an attribute value ({@code attribute}: quotes, line breaks and
	 * tabs become references, so that a reader gets them back unchanged) or for element
	 * content (only what would start markup; quotes stay readable).
	 */
	public static String escape(String text, boolean attribute) {
		return escape(text, attribute, attribute);
	}

	private static String escape(String text, boolean quotes, boolean whitespace) {
		int first = 0;
		while (first < text.length() && !needsEscape(text.charAt(first))) {
			first++;
		}
		if (first == text.length()) {
			// the common case (names, numbers, paths): nothing to copy
			return text;
		}
		StringBuilder result = new StringBuilder(text.length() + 8).append(text, 0, first);
		for (int i = first; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '&' -> result.append("&amp;");
				case '<' -> result.append("&lt;");
				case '>' -> result.append("&gt;");
				case '\'' -> result.append(quotes ? "&apos;" : "'");
				case '"' -> result.append(quotes ? "&quot;" : "\"");
				case '\n' -> result.append(whitespace ? "&#10;" : "\n");
				case '\r' -> result.append("&#13;");
				case '\t' -> result.append(whitespace ? "&#9;" : "\t");
				default -> result.append(c);
			}
		}
		return result.toString();
	}

	/** Whether {@link #escape} may write the character other than as itself. */
	private static boolean needsEscape(char c) {
		return c == '&' || c == '<' || c == '>' || c == '\'' || c == '"' || c == '\n' || c == '\r' || c == '\t';
	}

}
