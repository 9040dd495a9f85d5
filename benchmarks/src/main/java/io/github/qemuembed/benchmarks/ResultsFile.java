package io.github.qemuembed.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

/** Writes {@code results.json}: a JSON array of {@link Row}s. */
public final class ResultsFile {

	private static final JsonMapper MAPPER = JsonMapper.shared();

	private ResultsFile() {
	}

	public static void write(Path file, List<Row> rows) throws IOException {
		Path parent = file.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Files.writeString(file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(rows) + "\n");
	}

}
