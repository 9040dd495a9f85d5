package io.github.qemuembed.driver.internal.process;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.error.EmulatorException;

/**
 * What the launcher writes to a spare wrapper's stdin (see {@link QemuLauncher}): the
 * number of fields that follow, then the log to append stdout and stderr to, the number
 * of extra environment variables, each variable's name and value, and the argv; each
 * field ends with NUL, which no path, argument or variable can contain. The launcher
 * closes the pipe after it, so the end of the input ends the request; the last NUL and
 * the count tell a whole request from one cut short by the JVM's death, which the wrapper
 * must not run.
 */
final class SpareRequest {

	private SpareRequest() {
	}

	/**
	 * The request's bytes.
	 * @throws EmulatorException if a field contains NUL (the kernel could not pass it
	 * either)
	 */
	static byte[] encode(List<String> argv, Map<String, String> env, Path log) {
		List<String> fields = new ArrayList<>(3 + 2 * env.size() + argv.size());
		fields.add("");
		fields.add(log.toString());
		fields.add(Integer.toString(env.size()));
		env.forEach((name, value) -> {
			fields.add(name);
			fields.add(value);
		});
		fields.addAll(argv);
		for (String field : fields) {
			if (field.indexOf('\0') >= 0) {
				throw new EmulatorException("Cannot start " + argv.get(0)
						+ ": an argument, environment variable or path contains a NUL character");
			}
		}
		fields.set(0, Integer.toString(fields.size() - 1));
		return (String.join("\0", fields) + "\0").getBytes(StandardCharsets.UTF_8);
	}

}
