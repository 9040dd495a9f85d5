package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * A strict view of one DOM element with its path. Every attribute, child and text that
 * the binder reads is marked as used; {@link #finish()} refuses whatever is left, naming
 * it and what is supported there. This is what guarantees that nothing in a definition is
 * silently dropped.
 */
final class XNode {

	private static final String XMLNS = "http://www.w3.org/2000/xmlns/";

	private static final Element[] NO_ELEMENTS = {};

	private final Element element;

	private final String path;

	/*
	 * A definition is read once, node by node, with a lookup per optional element the
	 * readers know: the bookkeeping below is allocated on first use and kept to arrays
	 * and lists, so that a node costs little more than the elements it has.
	 */

	/** Attribute names read, in the order first read (may repeat). */
	private List<String> knownAttributes;

	/** Child element names asked for, in the order first asked (may repeat). */
	private List<String> knownChildren;

	/** The child elements in document order, found once; {@code null} until needed. */
	private Element[] elements;

	/** Which of {@link #elements} a reader took. */
	private boolean[] used;

	private Map<String, String> refusals;

	private boolean textAllowed;

	XNode(Element element, String path) {
		this.element = element;
		this.path = path;
	}

	String path() {
		return this.path;
	}

	String name() {
		return this.element.getLocalName();
	}

	Element element() {
		return this.element;
	}

	String attrPath(String name) {
		return this.path + "/@" + name;
	}

	Optional<String> attr(String name) {
		if (this.knownAttributes == null) {
			this.knownAttributes = new ArrayList<>(4);
		}
		this.knownAttributes.add(name);
		Attr attr = this.element.getAttributeNodeNS(null, name);
		return (attr != null) ? Optional.of(attr.getValue()) : Optional.empty();
	}

	String requiredAttr(String name) {
		return attr(name).orElseThrow(() -> new InvalidConfigurationException(attrPath(name),
				"attribute '" + name + "' of <" + name() + "> is required"));
	}

	<E extends Enum<E> & XmlEnum> Optional<E> enumAttr(String name, Class<E> type) {
		return attr(name).map((value) -> enumValue(attrPath(name), value, type, type.getEnumConstants()));
	}

	<E extends Enum<E> & XmlEnum> E enumAttr(String name, Class<E> type, E defaultValue) {
		return enumAttr(name, type).orElse(defaultValue);
	}

	@SafeVarargs
	final <E extends Enum<E> & XmlEnum> E enumAttr(String name, Class<E> type, E defaultValue, E... supported) {
		return attr(name).map((value) -> enumValue(attrPath(name), value, type, supported)).orElse(defaultValue);
	}

	static <E extends Enum<E> & XmlEnum> E enumValue(String path, String value, Class<E> type, E[] supported) {
		for (E constant : supported) {
			if (constant.xmlName().equals(value)) {
				return constant;
			}
		}
		throw new UnsupportedConfigurationException(path, "value '" + value + "' is not supported; supported: "
				+ Arrays.stream(supported).map(XmlEnum::xmlName).collect(Collectors.joining(", ")));
	}

	String oneOf(String name, String defaultValue, String... supported) {
		Optional<String> value = attr(name);
		if (value.isEmpty()) {
			return defaultValue;
		}
		if (!Arrays.asList(supported).contains(value.get())) {
			throw new UnsupportedConfigurationException(attrPath(name),
					"value '" + value.get() + "' is not supported; supported: " + String.join(", ", supported));
		}
		return value.get();
	}

	boolean yesNo(String name, boolean defaultValue) {
		return yesNo(name, defaultValue, "yes", "no");
	}

	boolean onOff(String name, boolean defaultValue) {
		return yesNo(name, defaultValue, "on", "off");
	}

	private boolean yesNo(String name, boolean defaultValue, String yes, String no) {
		Optional<String> value = attr(name);
		if (value.isEmpty()) {
			return defaultValue;
		}
		if (value.get().equals(yes)) {
			return true;
		}
		if (value.get().equals(no)) {
			return false;
		}
		throw new InvalidConfigurationException(attrPath(name),
				"'" + value.get() + "' is neither '" + yes + "' nor '" + no + "'");
	}

	Optional<Long> longAttr(String name, long min, long max) {
		return attr(name).map((value) -> Numbers.parse(attrPath(name), value, min, max));
	}

	Optional<Integer> intAttr(String name, int min, int max) {
		return longAttr(name, min, max).map(Long::intValue);
	}

	/**
	 * A better message than "not supported" for a child element that is refused on
	 * purpose.
	 */
	void refuse(String childName, String message) {
		if (this.refusals == null) {
			this.refusals = new HashMap<>();
		}
		this.refusals.put(childName, message);
	}

	/**
	 * Marks a child name as known without reading it (for elements that are read through
	 * {@link #children(String)}).
	 */
	void know(String childName) {
		if (this.knownChildren == null) {
			this.knownChildren = new ArrayList<>();
		}
		this.knownChildren.add(childName);
	}

	Optional<XNode> child(String name) {
		know(name);
		Element[] all = elements();
		int found = -1;
		for (int i = 0; i < all.length; i++) {
			if (isPlain(all[i], name)) {
				if (found >= 0) {
					throw new InvalidConfigurationException(this.path + "/" + name + "[2]",
							"<" + name + "> may appear only once in <" + name() + ">");
				}
				found = i;
			}
		}
		if (found < 0) {
			return Optional.empty();
		}
		this.used[found] = true;
		return Optional.of(new XNode(all[found], this.path + "/" + name));
	}

	XNode requiredChild(String name) {
		return child(name).orElseThrow(() -> new InvalidConfigurationException(this.path + "/" + name,
				"<" + name() + "> needs a <" + name + "> element"));
	}

	List<XNode> children(String name) {
		know(name);
		Element[] all = elements();
		List<XNode> nodes = null;
		for (int i = 0; i < all.length; i++) {
			if (isPlain(all[i], name)) {
				if (nodes == null) {
					nodes = new ArrayList<>();
				}
				this.used[i] = true;
				nodes.add(new XNode(all[i], this.path + "/" + name + "[" + (nodes.size() + 1) + "]"));
			}
		}
		return (nodes != null) ? nodes : new ArrayList<>(0);
	}

	/**
	 * Reads every child element with that name, in document order, into an unmodifiable
	 * list (a loop: a stream per kind of device cost more than reading the devices).
	 */
	<T> List<T> readEach(String name, Function<XNode, T> reader) {
		List<XNode> nodes = children(name);
		if (nodes.isEmpty()) {
			return List.of();
		}
		List<T> result = new ArrayList<>(nodes.size());
		for (XNode node : nodes) {
			result.add(reader.apply(node));
		}
		return Collections.unmodifiableList(result);
	}

	/** Child elements in a namespace (e.g. {@code qemu:commandline}). */
	List<XNode> namespacedChildren(String namespace, String prefix, String name) {
		know(prefix + ":" + name);
		Element[] all = elements();
		List<XNode> nodes = new ArrayList<>();
		int n = 0;
		for (int i = 0; i < all.length; i++) {
			Element child = all[i];
			if (namespace.equals(child.getNamespaceURI()) && name.equals(child.getLocalName())) {
				this.used[i] = true;
				nodes.add(new XNode(child, this.path + "/" + prefix + ":" + name + "[" + (++n) + "]"));
			}
		}
		return nodes;
	}

	/** All child elements, marked as used (for verbatim content). */
	List<Element> takeAllElements() {
		Element[] all = elements();
		Arrays.fill(this.used, true);
		return new ArrayList<>(Arrays.asList(all));
	}

	/** The element's text, trimmed; the element must not have child elements. */
	String text() {
		this.textAllowed = true;
		StringBuilder text = new StringBuilder();
		for (Node node = this.element.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (isText(node)) {
				text.append(node.getNodeValue());
			}
		}
		return text.toString().trim();
	}

	String requiredText() {
		String text = text();
		if (text.isEmpty()) {
			throw new InvalidConfigurationException(this.path, "<" + name() + "> must not be empty");
		}
		return text;
	}

	/**
	 * Refuses every attribute, element and text of this element that the binder did not
	 * read.
	 */
	void finish() {
		NamedNodeMap attributes = this.element.getAttributes();
		for (int i = 0; i < attributes.getLength(); i++) {
			Attr attr = (Attr) attributes.item(i);
			if (XMLNS.equals(attr.getNamespaceURI())) {
				continue;
			}
			String name = attr.getNamespaceURI() == null ? attr.getLocalName() : attr.getName();
			if (attr.getNamespaceURI() != null || this.knownAttributes == null
					|| !this.knownAttributes.contains(name)) {
				throw new UnsupportedConfigurationException(attrPath(name), "attribute '" + name + "' of <" + name()
						+ "> is not supported; supported: " + list(this.knownAttributes, "", ""));
			}
		}
		Element[] all = elements();
		for (int i = 0; i < all.length; i++) {
			if (!this.used[i]) {
				Element child = all[i];
				String name = child.getPrefix() != null ? child.getPrefix() + ":" + child.getLocalName()
						: child.getLocalName();
				if (child.getNamespaceURI() == null && this.refusals != null && this.refusals.containsKey(name)) {
					throw new UnsupportedConfigurationException(this.path + "/" + name + "[" + indexOf(child) + "]",
							this.refusals.get(name));
				}
				throw new UnsupportedConfigurationException(this.path + "/" + name + "[" + indexOf(child) + "]",
						"element <" + name + "> is not supported in <" + name() + ">; supported: "
								+ list(this.knownChildren, "<", ">"));
			}
		}
		if (!this.textAllowed) {
			for (Node node = this.element.getFirstChild(); node != null; node = node.getNextSibling()) {
				if (isText(node) && !node.getNodeValue().isBlank()) {
					throw new UnsupportedConfigurationException(this.path,
							"<" + name() + "> does not take text content");
				}
			}
		}
	}

	/** The names, each once in the order first seen: only for messages. */
	private static String list(List<String> names, String open, String close) {
		if (names == null || names.isEmpty()) {
			return "none";
		}
		return new LinkedHashSet<>(names).stream().map((name) -> open + name + close).collect(Collectors.joining(", "));
	}

	private int indexOf(Element child) {
		int index = 0;
		for (Element sibling : elements()) {
			if (sibling.getLocalName().equals(child.getLocalName())
					&& Objects.equals(sibling.getNamespaceURI(), child.getNamespaceURI())) {
				index++;
			}
			if (sibling == child) {
				break;
			}
		}
		return index;
	}

	private static boolean isPlain(Element child, String name) {
		return name.equals(child.getLocalName()) && child.getNamespaceURI() == null;
	}

	private static boolean isText(Node node) {
		short type = node.getNodeType();
		return type == Node.TEXT_NODE || type == Node.CDATA_SECTION_NODE;
	}

	/** The child elements, found on first use by one walk over the children. */
	private Element[] elements() {
		if (this.elements == null) {
			int count = 0;
			for (Node node = this.element.getFirstChild(); node != null; node = node.getNextSibling()) {
				if (node instanceof Element) {
					count++;
				}
			}
			Element[] all = (count == 0) ? NO_ELEMENTS : new Element[count];
			int i = 0;
			for (Node node = this.element.getFirstChild(); i < count; node = node.getNextSibling()) {
				if (node instanceof Element child) {
					all[i++] = child;
				}
			}
			this.used = new boolean[count];
			this.elements = all;
		}
		return this.elements;
	}

}
