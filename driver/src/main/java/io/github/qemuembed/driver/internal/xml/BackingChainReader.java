package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Reads a disk's nested {@code <backingStore>}: the images below its source, outermost
 * first. An empty {@code <backingStore/>} ends the chain (the image above it has no
 * backing file, whatever its header says); a chain without one leaves the rest to the
 * header of its innermost image, as QEMU would open it.
 */
final class BackingChainReader {

	/** Deepest chain accepted (the XML nesting limit would stop a deeper one anyway). */
	static final int MAX_DEPTH = 16;

	/** The chain, and whether an empty {@code <backingStore/>} ended it. */
	record Chain(List<BackingImage> images, boolean terminated) {
	}

	private BackingChainReader() {
	}

	static Chain read(XNode disk) {
		List<BackingImage> images = new ArrayList<>();
		boolean terminated = below(disk, images);
		return new Chain(images, terminated);
	}

	/**
	 * Reads the {@code <backingStore>} under {@code parent} and what nests in it; true if
	 * an empty one ends it.
	 */
	private static boolean below(XNode parent, List<BackingImage> images) {
		Optional<XNode> next = parent.child("backingStore");
		if (next.isEmpty()) {
			return false;
		}
		XNode node = next.get();
		boolean image = node.element().hasAttribute("type") || node.element().hasAttribute("index")
				|| node.element().getElementsByTagName("*").getLength() > 0;
		if (!image) {
			// the end of the chain; finish() refuses whatever else it carries
			node.finish();
			return true;
		}
		if (images.size() == MAX_DEPTH) {
			throw new UnsupportedConfigurationException(node.path(),
					"a backing chain deeper than " + MAX_DEPTH + " images is not supported");
		}
		DiskType type = node.enumAttr("type", DiskType.class, DiskType.FILE, DiskType.FILE, DiskType.BLOCK);
		// index is libvirt's numbering of the chain in its own output; it follows from
		// the nesting
		node.intAttr("index", 0, Integer.MAX_VALUE);
		XNode format = node.child("format")
			.orElseThrow(() -> new InvalidConfigurationException(node.path() + "/format",
					"a backing image needs <format type='raw|qcow2'/> (QEMU does not guess formats)"));
		DiskFormat imageFormat = format.enumAttr("type", DiskFormat.class)
			.orElseThrow(() -> new InvalidConfigurationException(format.attrPath("type"),
					"give <format type='raw|qcow2'/>"));
		format.finish();
		XNode source = node.requiredChild("source");
		String path = XmlValues.absolutePath(source, source.requiredAttr(type == DiskType.BLOCK ? "dev" : "file"));
		source.intAttr("index", 0, Integer.MAX_VALUE);
		source.finish();
		images.add(new BackingImage(type, path, imageFormat));
		boolean terminated = below(node, images);
		node.finish();
		return terminated;
	}

}
