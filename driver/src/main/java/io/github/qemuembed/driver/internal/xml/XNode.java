package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A strict view of one DOM element with its path. Every attribute, child and text that
 * the binder reads is marked as used; {@link #finish()} refuses whatever is left, naming
 * it and what is supported there. This is what guarantees that nothing in a definition is
 * silently dropped.
 */
final class XNode {

	private static final String XMLNS = "http://www.w3.org/2000/xmlns/";

	private final Element element;

	private final String path;

	private final Set<String> knownAttributes = new LinkedHashSet<>();

	private final Set<String> knownChildren = new LinkedHashSet<>();

	private final Set<Node> usedChildren = Collections.newSetFromMap(new IdentityHashMap<>());

	private final Map<String, String> refusals = new HashMap<>();

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
		this.refusals.put(childName, message);
	}

	/**
	 * Marks a child name as known without reading it (for elements that are read through
	 * {@link #children(String)}).
	 */
	void know(String childName) {
		this.knownChildren.add(childName);
	}

	Optional<XNode> child(String name) {
		List<Element> found = elements(name);
		this.knownChildren.add(name);
		if (found.isEmpty()) {
			return Optional.empty();
		}
		if (found.size() > 1) {
			throw new InvalidConfigurationException(this.path + "/" + name + "[2]",
					"<" + name + "> may appear only once in <" + name() + ">");
		}
		this.usedChildren.add(found.get(0));
		return Optional.of(new XNode(found.get(0), this.path + "/" + name));
	}

	XNode requiredChild(String name) {
		return child(name).orElseThrow(() -> new InvalidConfigurationException(this.path + "/" + name,
				"<" + name() + "> needs a <" + name + "> element"));
	}

	List<XNode> children(String name) {
		this.knownChildren.add(name);
		List<Element> found = elements(name);
		List<XNode> nodes = new ArrayList<>(found.size());
		for (int i = 0; i < found.size(); i++) {
			this.usedChildren.add(found.get(i));
			nodes.add(new XNode(found.get(i), this.path + "/" + name + "[" + (i + 1) + "]"));
		}
		return nodes;
	}

	/** Child elements in a namespace (e.g. {@code qemu:commandline}). */
	List<XNode> namespacedChildren(String namespace, String prefix, String name) {
		this.knownChildren.add(prefix + ":" + name);
		List<XNode> nodes = new ArrayList<>();
		int i = 0;
		for (Element child : allElements()) {
			if (namespace.equals(child.getNamespaceURI()) && name.equals(child.getLocalName())) {
				this.usedChildren.add(child);
				nodes.add(new XNode(child, this.path + "/" + prefix + ":" + name + "[" + (++i) + "]"));
			}
		}
		return nodes;
	}

	/** All child elements, marked as used (for verbatim content). */
	List<Element> takeAllElements() {
		List<Element> all = allElements();
		this.usedChildren.addAll(all);
		return all;
	}

	/** The element's text, trimmed; the element must not have child elements. */
	String text() {
		this.textAllowed = true;
		StringBuilder text = new StringBuilder();
		NodeList nodes = this.element.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			Node node = nodes.item(i);
			if (node.getNodeType() == Node.TEXT_NODE || node.getNodeType() == Node.CDATA_SECTION_NODE) {
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
			if (attr.getNamespaceURI() != null || !this.knownAttributes.contains(name)) {
				throw new UnsupportedConfigurationException(attrPath(name), "attribute '" + name + "' of <" + name()
						+ "> is not supported; supported: " + list(this.knownAttributes, "", ""));
			}
		}
		for (Element child : allElements()) {
			if (!this.usedChildren.contains(child)) {
				String name = child.getPrefix() != null ? child.getPrefix() + ":" + child.getLocalName()
						: child.getLocalName();
				if (child.getNamespaceURI() == null && this.refusals.containsKey(name)) {
					throw new UnsupportedConfigurationException(this.path + "/" + name + "[" + indexOf(child) + "]",
							this.refusals.get(name));
				}
				throw new UnsupportedConfigurationException(this.path + "/" + name + "[" + indexOf(child) + "]",
						"element <" + name + "> is not supported in <" + name() + ">; supported: "
								+ list(this.knownChildren, "<", ">"));
			}
		}
		if (!this.textAllowed) {
			NodeList nodes = this.element.getChildNodes();
			for (int i = 0; i < nodes.getLength(); i++) {
				Node node = nodes.item(i);
				if ((node.getNodeType() == Node.TEXT_NODE || node.getNodeType() == Node.CDATA_SECTION_NODE)
						&& !node.getNodeValue().isBlank()) {
					throw new UnsupportedConfigurationException(this.path,
							"<" + name() + "> does not take text content");
				}
			}
		}
	}

	private static String list(Set<String> names, String open, String close) {
		if (names.isEmpty()) {
			return "none";
		}
		return names.stream().map((name) -> open + name + close).collect(Collectors.joining(", "));
	}

	private int indexOf(Element child) {
		int index = 0;
		for (Element sibling : allElements()) {
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

	private List<Element> elements(String name) {
		List<Element> found = new ArrayList<>();
		for (Element child : allElements()) {
			if (child.getNamespaceURI() == null && name.equals(child.getLocalName())) {
				found.add(child);
			}
		}
		return found;
	}

	private List<Element> allElements() {
		List<Element> all = new ArrayList<>();
		NodeList nodes = this.element.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			if (nodes.item(i) instanceof Element child) {
				all.add(child);
			}
		}
		return all;
	}

}
