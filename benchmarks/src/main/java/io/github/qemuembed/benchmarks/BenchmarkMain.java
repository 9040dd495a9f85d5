package io.github.qemuembed.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Entry point of {@code benchmarks/run}: runs every scenario on qemu-embed, raw QEMU and
 * libvirt's embedded driver, prints a Markdown table on stdout and writes
 * {@code results.json}.
 * <p>
 * Options: {@code --quick} (about two minutes), {@code --profile full|quick|tiny},
 * {@code --only launch,destroy,...} (scenario ids; a family such as {@code scale} selects
 * all sizes), {@code --systems qemu-embed,raw-qemu,libvirt}, {@code --out FILE} (default
 * {@code target/results.json}), {@code --emulator PATH}, {@code --write-docs [FILE]}
 * (rewrite the results section of {@code docs/performance.md}, or of FILE, with this run:
 * see {@link DocsSection}).
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		Path emulator = options.emulator != null ? options.emulator : Commands.onPath("qemu-system-x86_64")
			.orElseThrow(() -> new IllegalStateException("qemu-system-x86_64 not found on PATH"));
		Machine machine = Machine.detect(emulator);
		BenchmarkSettings settings = BenchmarkSettings.named(options.profile);
		System.err.println("[bench] profile " + settings.name() + " on " + machine.describe());
		options.checkWriteDocs();
		Instant started = Instant.now();
		String loadAtStart = Machine.loadAverage();
		List<Row> rows;
		// stdout carries the table only: whatever the libraries print while measuring
		// goes to stderr
		PrintStream stdout = System.out;
		System.setOut(System.err);
		try (BenchmarkContext context = new BenchmarkContext(settings, machine, emulator, options.systems)) {
			rows = new BenchmarkRunner(context, System.err).run(Benchmarks.all(settings), options.scenarioFilter());
		}
		finally {
			System.setOut(stdout);
		}
		ResultsFile.write(options.out, rows);
		if (options.docs != null) {
			DocsSection.write(options.docs, DocsSection.render(new DocsSection.Run(settings.name(), started,
					Instant.now(), Machine.cpuModel(), machine, loadAtStart, Machine.loadAverage()), rows));
			System.err.println("[bench] results section of " + options.docs + " rewritten");
		}
		System.out.println("Profile `" + settings.name() + "` on " + machine.describe() + ".\n");
		System.out.print(MarkdownTable.render(rows));
		System.out.println("\nTargets:\n");
		System.out.print(Targets.render(rows));
		System.out.println("\nResults written to " + options.out);
	}

	/** Command-line options. */
	static final class Options {

		String profile = "full";

		Set<String> only = new LinkedHashSet<>();

		Set<String> systems = new LinkedHashSet<>(Systems.ALL);

		Path out = Path.of("target/results.json");

		Path emulator;

		/**
		 * The page whose results section {@code --write-docs} rewrites; null without the
		 * option.
		 */
		Path docs;

		static Options parse(String[] args) {
			Options options = new Options();
			List<String> list = new ArrayList<>(Arrays.asList(args));
			for (int i = 0; i < list.size(); i++) {
				String arg = list.get(i);
				switch (arg) {
					case "--quick" -> options.profile = "quick";
					case "--profile" -> options.profile = value(list, ++i, arg);
					case "--only" -> options.only.addAll(Arrays.asList(value(list, ++i, arg).split(",")));
					case "--systems" -> {
						options.systems.clear();
						options.systems.addAll(Arrays.asList(value(list, ++i, arg).split(",")));
					}
					case "--out" -> options.out = Path.of(value(list, ++i, arg));
					case "--emulator" -> options.emulator = Path.of(value(list, ++i, arg));
					case "--write-docs" -> options.docs = (i + 1 < list.size() && !list.get(i + 1).startsWith("--"))
							? Path.of(list.get(++i)) : Path.of("docs/performance.md");
					default -> throw new IllegalArgumentException("Unknown option '" + arg
							+ "'; options: --quick, --profile full|quick|tiny, --only IDS, --systems NAMES, --out FILE, "
							+ "--emulator PATH, --write-docs [FILE]");
				}
			}
			return options;
		}

		/**
		 * The docs' table is one whole run: a partial one would silently drop the other
		 * rows, and the target file must exist with its markers before minutes are spent
		 * measuring.
		 */
		void checkWriteDocs() throws IOException {
			if (this.docs == null) {
				return;
			}
			if (!this.only.isEmpty() || !this.systems.containsAll(Systems.ALL)) {
				throw new IllegalArgumentException(
						"--write-docs replaces the whole results table: run every scenario on "
								+ "every system (leave out --only and --systems), or leave out --write-docs");
			}
			DocsSection.replace(Files.readString(this.docs), "");
		}

		Predicate<String> scenarioFilter() {
			if (this.only.isEmpty()) {
				return (scenario) -> true;
			}
			return (scenario) -> this.only.contains(scenario)
					|| this.only.contains(scenario.replaceAll("-[0-9]+$", ""));
		}

		private static String value(List<String> args, int index, String option) {
			if (index >= args.size()) {
				throw new IllegalArgumentException(option + " needs a value");
			}
			return args.get(index);
		}

	}

}
