package io.github.qemuembed.driver.cloudinit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a minimal ISO 9660 image (ECMA-119): one root directory holding a few small
 * files, no subdirectories, no Joliet or Rock Ridge. Layout, in 2048-byte sectors: 0-15
 * system area (zeros), 16 primary volume descriptor, 17 set terminator, 18 little-endian
 * path table, 19 big-endian path table, 20 the root directory, then each file's data from
 * a sector boundary.
 * <p>
 * Names are written as level-2 identifiers ({@code META-DATA.;1}): upper case, no
 * extension, version 1. Linux's isofs shows them in lower case without the version
 * ({@code meta-data}, its default {@code map=normal}), which are exactly the names
 * cloud-init's NoCloud source opens; so neither extension is needed. A pure function:
 * same input and time, same bytes.
 */
final class Iso9660Image {

	static final int SECTOR = 2048;

	private static final int PVD_SECTOR = 16;

	private static final int L_PATH_TABLE_SECTOR = 18;

	private static final int M_PATH_TABLE_SECTOR = 19;

	private static final int ROOT_SECTOR = 20;

	private static final int FIRST_FILE_SECTOR = 21;

	/**
	 * One file in the root directory: its ISO name (d-characters and '-') and content.
	 */
	record File(String name, byte[] data) {

		File {
			if (!name.matches("[A-Z0-9_\\-]{1,30}")) {
				throw new IllegalArgumentException("not an ISO 9660 name: " + name);
			}
		}

		String identifier() {
			return this.name + ".;1";
		}

	}

	private Iso9660Image() {
	}

	static byte[] build(String volumeId, List<File> files, Instant time) {
		List<File> sorted = new ArrayList<>(files);
		// ECMA-119 9.3: directory records are ordered by file identifier
		sorted.sort(Comparator.comparing(File::identifier));
		int[] extents = new int[sorted.size()];
		int next = FIRST_FILE_SECTOR;
		for (int i = 0; i < sorted.size(); i++) {
			extents[i] = next;
			// an empty file still gets a (zero) sector of its own, so that no extent
			// points past the image
			next += Math.max(1, sectors(sorted.get(i).data().length));
		}
		int totalSectors = next;
		ByteBuffer image = ByteBuffer.allocate(totalSectors * SECTOR).order(ByteOrder.LITTLE_ENDIAN);
		byte[] root = rootDirectory(sorted, extents, time);
		primaryVolumeDescriptor(image, volumeId, totalSectors, time);
		terminator(image);
		pathTables(image);
		image.put(ROOT_SECTOR * SECTOR, root);
		for (int i = 0; i < sorted.size(); i++) {
			image.put(extents[i] * SECTOR, sorted.get(i).data());
		}
		return image.array();
	}

	private static int sectors(long bytes) {
		return (int) ((bytes + SECTOR - 1) / SECTOR);
	}

	private static byte[] rootDirectory(List<File> files, int[] extents, Instant time) {
		ByteBuffer dir = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
		dir.put(directoryRecord(ROOT_SECTOR, SECTOR, true, new byte[] { 0 }, time));
		dir.put(directoryRecord(ROOT_SECTOR, SECTOR, true, new byte[] { 1 }, time));
		for (int i = 0; i < files.size(); i++) {
			File file = files.get(i);
			byte[] record = directoryRecord(extents[i], file.data().length, false,
					file.identifier().getBytes(StandardCharsets.US_ASCII), time);
			if (record.length > dir.remaining()) {
				// a few fixed names always fit; records may not cross a sector (ECMA-119
				// 6.8.1.1)
				throw new IllegalArgumentException("too many files for a one-sector root directory");
			}
			dir.put(record);
		}
		return dir.array();
	}

	/** A directory record (ECMA-119 9.1). */
	private static byte[] directoryRecord(int extent, int length, boolean directory, byte[] identifier, Instant time) {
		int size = 33 + identifier.length;
		size += size % 2;
		ByteBuffer record = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
		record.put((byte) size);
		record.put((byte) 0);
		bothEndian32(record, extent);
		bothEndian32(record, length);
		record.put(recordingTime(time));
		record.put((byte) (directory ? 2 : 0));
		record.put((byte) 0);
		record.put((byte) 0);
		bothEndian16(record, 1);
		record.put((byte) identifier.length);
		record.put(identifier);
		return record.array();
	}

	private static void primaryVolumeDescriptor(ByteBuffer image, String volumeId, int totalSectors, Instant time) {
		ByteBuffer pvd = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
		pvd.position(PVD_SECTOR * SECTOR);
		pvd.put((byte) 1);
		pvd.put("CD001".getBytes(StandardCharsets.US_ASCII));
		pvd.put((byte) 1);
		pvd.put((byte) 0);
		pvd.put(padded("LINUX", 32));
		pvd.put(padded(volumeId, 32));
		pvd.put(new byte[8]);
		bothEndian32(pvd, totalSectors);
		pvd.put(new byte[32]);
		bothEndian16(pvd, 1);
		bothEndian16(pvd, 1);
		bothEndian16(pvd, SECTOR);
		bothEndian32(pvd, pathTable(ByteOrder.LITTLE_ENDIAN).length);
		pvd.order(ByteOrder.LITTLE_ENDIAN).putInt(L_PATH_TABLE_SECTOR);
		pvd.putInt(0);
		pvd.order(ByteOrder.BIG_ENDIAN).putInt(M_PATH_TABLE_SECTOR);
		pvd.putInt(0);
		pvd.order(ByteOrder.LITTLE_ENDIAN);
		pvd.put(directoryRecord(ROOT_SECTOR, SECTOR, true, new byte[] { 0 }, time));
		pvd.put(padded("", 128));
		pvd.put(padded("", 128));
		pvd.put(padded("", 128));
		pvd.put(padded("QEMU-EMBED CLOUD-INIT SEED", 128));
		pvd.put(padded("", 37));
		pvd.put(padded("", 37));
		pvd.put(padded("", 37));
		byte[] date = volumeTime(time);
		pvd.put(date);
		pvd.put(date);
		pvd.put(unsetVolumeTime());
		pvd.put(unsetVolumeTime());
		pvd.put((byte) 1);
	}

	private static void terminator(ByteBuffer image) {
		int offset = (PVD_SECTOR + 1) * SECTOR;
		image.put(offset, (byte) 255);
		image.put(offset + 1, "CD001".getBytes(StandardCharsets.US_ASCII));
		image.put(offset + 6, (byte) 1);
	}

	private static void pathTables(ByteBuffer image) {
		image.put(L_PATH_TABLE_SECTOR * SECTOR, pathTable(ByteOrder.LITTLE_ENDIAN));
		image.put(M_PATH_TABLE_SECTOR * SECTOR, pathTable(ByteOrder.BIG_ENDIAN));
	}

	/** The path table (ECMA-119 9.4) of a volume with the root directory only. */
	private static byte[] pathTable(ByteOrder order) {
		ByteBuffer table = ByteBuffer.allocate(10).order(order);
		table.put((byte) 1);
		table.put((byte) 0);
		table.putInt(ROOT_SECTOR);
		table.putShort((short) 1);
		table.put((byte) 0);
		table.put((byte) 0);
		return table.array();
	}

	private static void bothEndian32(ByteBuffer buffer, int value) {
		buffer.order(ByteOrder.LITTLE_ENDIAN).putInt(value);
		buffer.order(ByteOrder.BIG_ENDIAN).putInt(value);
		buffer.order(ByteOrder.LITTLE_ENDIAN);
	}

	private static void bothEndian16(ByteBuffer buffer, int value) {
		buffer.order(ByteOrder.LITTLE_ENDIAN).putShort((short) value);
		buffer.order(ByteOrder.BIG_ENDIAN).putShort((short) value);
		buffer.order(ByteOrder.LITTLE_ENDIAN);
	}

	private static byte[] padded(String text, int length) {
		byte[] out = new byte[length];
		Arrays.fill(out, (byte) ' ');
		byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(bytes, 0, out, 0, Math.min(bytes.length, length));
		return out;
	}

	/** Seven-byte recording time (ECMA-119 9.1.5), in UTC. */
	private static byte[] recordingTime(Instant time) {
		LocalDateTime t = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
		return new byte[] { (byte) (t.getYear() - 1900), (byte) t.getMonthValue(), (byte) t.getDayOfMonth(),
				(byte) t.getHour(), (byte) t.getMinute(), (byte) t.getSecond(), 0 };
	}

	/**
	 * Seventeen-byte volume time (ECMA-119 8.4.26.1): digits, hundredths, then the UTC
	 * offset.
	 */
	private static byte[] volumeTime(Instant time) {
		LocalDateTime t = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
		String digits = String.format("%04d%02d%02d%02d%02d%02d00", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
				t.getHour(), t.getMinute(), t.getSecond());
		byte[] out = new byte[17];
		System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, out, 0, 16);
		return out;
	}

	private static byte[] unsetVolumeTime() {
		byte[] out = new byte[17];
		Arrays.fill(out, 0, 16, (byte) '0');
		return out;
	}

}
