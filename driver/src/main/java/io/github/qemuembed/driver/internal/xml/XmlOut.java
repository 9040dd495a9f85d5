package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A tiny indenting XML writer with libvirt's look: two-space indent, single-quoted
 * attributes.
 */
final class XmlOut {

	private final StringBuilder out = new StringBuilder();

	private final Deque<String> open = new ArrayDeque<>();

	private boolean tagOpen;

	XmlOut start(String name) {
		closeTag(true);
		indent();
		this.out.append('<').append(name);
		this.open.push(name);
		this.tagOpen = true;
		return this;
	}

	XmlOut attr(String name, Object value) {
		if (value != null) {
			this.out.append(' ')
				.append(name)
				.append("='")
				.append(SecureXml.escape(value.toString(), true))
				.append('\'');
		}
		return this;
	}

	/** Ends the current element; empty elements are written as {@code <name/>}. */
	XmlOut end() {
		String name = this.open.pop();
		if (this.tagOpen) {
			this.out.append("/>\n");
			this.tagOpen = false;
		}
		else {
			indent();
			this.out.append("</").append(name).append(">\n");
		}
		return this;
	}

	/** A leaf element with text. */
	XmlOut text(String name, Object text) {
		start(name);
		return textAndEnd(text);
	}

	/** Text content for the element just started, then its end tag. */
	XmlOut textAndEnd(Object text) {
		this.out.append('>').append(SecureXml.escape(text.toString(), false));
		this.tagOpen = false;
		String name = this.open.pop();
		this.out.append("</").append(name).append(">\n");
		return this;
	}

	/** Raw, already well-formed XML lines (verbatim metadata). */
	XmlOut raw(String xml) {
		closeTag(true);
		// Not re-indented: whitespace inside verbatim content is part of it.
		this.out.append(xml).append('\n');
		return this;
	}

	private void closeTag(boolean newline) {
		if (this.tagOpen) {
			this.out.append('>');
			if (newline) {
				this.out.append('\n');
			}
			this.tagOpen = false;
		}
	}

	private void indent() {
		for (int i = this.open.size(); i > 0; i--) {
			this.out.append("  ");
		}
	}

	@Override
	public String toString() {
		return this.out.toString();
	}

}
