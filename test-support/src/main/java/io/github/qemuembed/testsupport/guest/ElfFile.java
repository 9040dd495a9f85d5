package io.github.qemuembed.testsupport.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Just enough of the ELF format for the test guest: whether an executable asks for a
 * dynamic loader, and the {@code .modinfo} section of a kernel module (where
 * {@code depends=} lists the modules it needs, the same data {@code modinfo} and
 * {@code depmod} read).
 */
final class ElfFile {

	private static final int PT_INTERP = 3;

	private final ByteBuffer bytes;

	private final boolean is64;

	private ElfFile(byte[] content, String description) {
		if (content.length < 0x34 || content[0] != 0x7f || content[1] != 'E' || content[2] != 'L'
				|| content[3] != 'F') {
			throw new IllegalArgumentException(description + " is not an ELF file");
		}
		this.is64 = content[4] == 2;
		ByteOrder order = (content[5] == 2) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
		this.bytes = ByteBuffer.wrap(content).order(order);
	}

	static ElfFile parse(byte[] content, String description) {
		return new ElfFile(content, description);
	}

	/**
	 * Whether the file names a program interpreter, that is, needs a dynamic loader to
	 * run.
	 */
	boolean isDynamicallyLinked() {
		long phoff = this.is64 ? this.bytes.getLong(0x20) : Integer.toUnsignedLong(this.bytes.getInt(0x1C));
		int phentsize = Short.toUnsignedInt(this.bytes.getShort(this.is64 ? 0x36 : 0x2A));
		int phnum = Short.toUnsignedInt(this.bytes.getShort(this.is64 ? 0x38 : 0x2C));
		for (int i = 0; i < phnum; i++) {
			long at = phoff + (long) i * phentsize;
			if (at + 4 > this.bytes.capacity()) {
				break;
			}
			if (this.bytes.getInt((int) at) == PT_INTERP) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The NUL-separated {@code key=value} strings of the {@code .modinfo} section, if
	 * there is one.
	 */
	List<String> modinfo() {
		return section(".modinfo").map(ElfFile::nulSeparated).orElse(List.of());
	}

	private Optional<byte[]> section(String wanted) {
		long shoff = this.is64 ? this.bytes.getLong(0x28) : Integer.toUnsignedLong(this.bytes.getInt(0x20));
		int shentsize = Short.toUnsignedInt(this.bytes.getShort(this.is64 ? 0x3A : 0x2E));
		int shnum = Short.toUnsignedInt(this.bytes.getShort(this.is64 ? 0x3C : 0x30));
		int shstrndx = Short.toUnsignedInt(this.bytes.getShort(this.is64 ? 0x3E : 0x32));
		if (shoff == 0 || shnum == 0 || shstrndx >= shnum) {
			return Optional.empty();
		}
		long[] names = sectionHeader(shoff + (long) shstrndx * shentsize);
		for (int i = 0; i < shnum; i++) {
			long[] header = sectionHeader(shoff + (long) i * shentsize);
			String name = cString((int) (names[1] + header[0]));
			if (wanted.equals(name)) {
				byte[] data = new byte[Math.toIntExact(header[2])];
				this.bytes.get(Math.toIntExact(header[1]), data);
				return Optional.of(data);
			}
		}
		return Optional.empty();
	}

	/** Returns {sh_name, sh_offset, sh_size}. */
	private long[] sectionHeader(long at) {
		int base = Math.toIntExact(at);
		if (this.is64) {
			return new long[] { Integer.toUnsignedLong(this.bytes.getInt(base)), this.bytes.getLong(base + 0x18),
					this.bytes.getLong(base + 0x20) };
		}
		return new long[] { Integer.toUnsignedLong(this.bytes.getInt(base)),
				Integer.toUnsignedLong(this.bytes.getInt(base + 0x10)),
				Integer.toUnsignedLong(this.bytes.getInt(base + 0x14)) };
	}

	private String cString(int at) {
		int end = at;
		while (end < this.bytes.capacity() && this.bytes.get(end) != 0) {
			end++;
		}
		byte[] text = new byte[end - at];
		this.bytes.get(at, text);
		return new String(text, StandardCharsets.US_ASCII);
	}

	private static List<String> nulSeparated(byte[] data) {
		List<String> strings = new ArrayList<>();
		int start = 0;
		for (int i = 0; i <= data.length; i++) {
			if (i == data.length || data[i] == 0) {
				if (i > start) {
					strings.add(new String(data, start, i - start, StandardCharsets.UTF_8));
				}
				start = i + 1;
			}
		}
		return strings;
	}

}
