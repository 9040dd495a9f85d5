package io.github.qemuembed.driver.internal.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.w3c.dom.Element;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.internal.xml.SecureXml;

/**
 * The text of {@code run/qemu/NAME.xml}, written and read by hand: a {@code <domstatus>}
 * with one element per {@link RunState} field, lists wrapped in an element of the same
 * name as their items. That is the shape Jackson's XML mapper wrote until 2026-12, so a
 * record left by an earlier driver is read the same way, and written without loading
 * Jackson on the start path.
 */
final class RunStateXml {

	private static final String ROOT = "domstatus";

	private RunStateXml() {
	}

	static String write(RunState state) {
		StringBuilder out = new StringBuilder(1024 + state.domainXml().length());
		out.append('<').append(ROOT).append('>');
		field(out, "name", state.name());
		field(out, "uuid", state.uuid());
		field(out, "id", Integer.toString(state.id()));
		field(out, "pid", Long.toString(state.pid()));
		field(out, "startTicks", Long.toString(state.startTicks()));
		list(out, "commandLine", state.commandLine());
		field(out, "monitorSocket", state.monitorSocket());
		field(out, "privateDir", state.privateDir());
		list(out, "serialSockets", state.serialSockets());
		field(out, "startedAt", Long.toString(state.startedAt()));
		field(out, "persistent", Boolean.toString(state.persistent()));
		list(out, "networkPorts", state.networkPorts());
		if (state.domainXml() != null) {
			// element text keeps its line breaks: the definition stays readable
			out.append("<domainXml>").append(SecureXml.escape(state.domainXml(), false)).append("</domainXml>");
		}
		list(out, "taps", state.taps());
		return out.append("</").append(ROOT).append(">\n").toString();
	}

	private static void field(StringBuilder out, String name, String value) {
		if (value != null) {
			// as in an attribute: line breaks, tabs and quotes as references, read back
			// unchanged
			out.append('<')
				.append(name)
				.append('>')
				.append(SecureXml.escape(value, true))
				.append("</")
				.append(name)
				.append('>');
		}
	}

	private static void list(StringBuilder out, String name, List<String> values) {
		if (values == null) {
			return;
		}
		if (values.isEmpty()) {
			out.append('<').append(name).append("/>");
			return;
		}
		out.append('<').append(name).append('>');
		for (String value : values) {
			field(out, name, value);
		}
		out.append("</").append(name).append('>');
	}

	/**
	 * Reads a run state; elements it does not know are skipped (a later driver may add
	 * some), an absent list is empty (records older than the taps have none).
	 * @throws IllegalArgumentException if the text is not a run state (malformed, another
	 * root, a required field missing or not a number), saying what is wrong
	 */
	static RunState read(String xml) {
		Element root;
		try {
			root = SecureXml.parseElement(xml, ROOT);
		}
		catch (InvalidConfigurationException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
		if (!ROOT.equals(root.getTagName())) {
			throw new IllegalArgumentException("the root element is <" + root.getTagName() + ">, not <" + ROOT + ">");
		}
		return new RunState(required(root, "name"), required(root, "uuid"), (int) number(root, "id", 0L),
				number(root, "pid", null), number(root, "startTicks", null), list(root, "commandLine"),
				required(root, "monitorSocket"), required(root, "privateDir"), list(root, "serialSockets"),
				number(root, "startedAt", 0L), Boolean.parseBoolean(text(root, "persistent").orElse("false")),
				list(root, "networkPorts"), text(root, "domainXml").orElse(null), list(root, "taps"));
	}

	/** The exact text of a child element (not trimmed: it is what was written). */
	private static Optional<String> text(Element root, String name) {
		return SecureXml.child(root, name).map(Element::getTextContent);
	}

	private static String required(Element root, String name) {
		return text(root, name).filter((value) -> !value.isEmpty())
			.orElseThrow(() -> new IllegalArgumentException("<" + name + "> is missing"));
	}

	private static long number(Element root, String name, Long absent) {
		Optional<String> text = text(root, name).map(String::strip);
		if (text.isEmpty()) {
			if (absent == null) {
				throw new IllegalArgumentException("<" + name + "> is missing");
			}
			return absent;
		}
		try {
			return Long.parseLong(text.get());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("<" + name + "> is '" + text.get() + "', not a number", ex);
		}
	}

	private static List<String> list(Element root, String name) {
		Optional<Element> wrapper = SecureXml.child(root, name);
		if (wrapper.isEmpty()) {
			return List.of();
		}
		List<String> values = new ArrayList<>();
		for (Element item : SecureXml.children(wrapper.get())) {
			if (item.getTagName().equals(name)) {
				values.add(item.getTextContent());
			}
		}
		return List.copyOf(values);
	}

}
