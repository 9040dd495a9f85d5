package io.github.qemuembed.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The results section of {@code docs/performance.md}, written by
 * {@code benchmarks/run --write-docs} between two marker comments: when the run was, on
 * what machine (CPU model, cores, memory, versions), under which load, then the table and
 * the targets. Written by the code that measured, so the facts around the numbers cannot
 * drift from them; the prose elsewhere in the page is kept as it is.
 */
public final class DocsSection {

	static final String BEGIN = "<!-- results: written by benchmarks/run --write-docs, do not edit by hand -->";

	static final String END = "<!-- end of results -->";

	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

	private DocsSection() {
	}

	/** What is known about a run besides its rows. */
	public record Run(String profile, Instant started, Instant ended, String cpuModel, Machine machine,
			String loadAtStart, String loadAtEnd) {
	}

	/** The section's text, markers included. */
	public static String render(Run run, List<Row> rows) {
		Machine machine = run.machine();
		StringBuilder out = new StringBuilder();
		out.append(BEGIN).append("\n\n");
		out.append("## Results (")
			.append(DAY.format(run.started()))
			.append(' ')
			.append(TIME.format(run.started()))
			.append('–')
			.append(TIME.format(run.ended()))
			.append(" UTC, profile `")
			.append(run.profile())
			.append("`)\n\n");
		out.append("| | |\n|---|---|\n");
		out.append("| CPU | ")
			.append(run.cpuModel())
			.append(", ")
			.append(machine.cpus())
			.append(" CPUs (available processors) |\n");
		out.append("| memory | ").append(machine.memoryMiB()).append(" MiB |\n");
		out.append("| kernel | Linux ").append(machine.kernel()).append(" |\n");
		out.append("| QEMU | ").append(machine.qemuVersion()).append(" |\n");
		out.append("| libvirt | ").append(machine.libvirtVersion().orElse("missing")).append(" |\n");
		out.append("| accelerator (guest-less scenarios) | ").append(machine.accel()).append(" |\n");
		out.append("| Java | ").append(machine.java()).append(" |\n");
		out.append("| load average (1 / 5 / 15 min) | ")
			.append(run.loadAtStart())
			.append(" at the start, ")
			.append(run.loadAtEnd())
			.append(" at the end |\n\n");
		out.append(MarkdownTable.render(rows));
		out.append("\nTargets, checked by the same run:\n\n");
		out.append(Targets.render(rows));
		out.append('\n').append(END);
		return out.toString();
	}

	/**
	 * {@code document} with its marked section replaced by {@code section}; a document
	 * without the markers is refused rather than appended to (the section belongs at a
	 * chosen place).
	 */
	static String replace(String document, String section) {
		int begin = document.indexOf(BEGIN);
		int end = document.indexOf(END);
		if (begin < 0 || end < begin) {
			throw new IllegalArgumentException("The document has no results section to replace: put the lines '" + BEGIN
					+ "' and '" + END + "' where the results belong");
		}
		return document.substring(0, begin) + section + document.substring(end + END.length());
	}

	/** Rewrites the marked section of {@code file}. */
	public static void write(Path file, String section) throws IOException {
		String document = Files.readString(file, StandardCharsets.UTF_8);
		Files.writeString(file, replace(document, section), StandardCharsets.UTF_8);
	}

}
