package io.github.qemuembed.driver.internal.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.error.ConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainRequirements;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.Requirement;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code validate [--json] [--summary] FILE...}: like libvirt's
 * {@code virt-xml-validate}, one result per file, and with {@code --summary} the totals
 * after them ({@link ValidateSummary}). Exit 0 when every file is valid, 1 when any is
 * not (or cannot be read), 2 on usage errors.
 */
final class ValidateCommand implements CliCommand {

	@Override
	public String usage() {
		return "usage: validate [--json] [--summary] FILE...";
	}

	@Override
	public int run(List<String> args, PrintStream out, PrintStream err) {
		boolean json = false;
		boolean summarize = false;
		List<Path> files = new ArrayList<>();
		boolean options = true;
		for (String arg : args) {
			if (options && arg.equals("--json")) {
				json = true;
			}
			else if (options && arg.equals("--summary")) {
				summarize = true;
			}
			else if (options && arg.equals("--")) {
				options = false;
			}
			else if (options && arg.startsWith("-") && !arg.equals("-")) {
				err.println("validate: unknown option " + arg);
				err.println(usage());
				return 2;
			}
			else {
				files.add(Path.of(arg));
			}
		}
		if (files.isEmpty()) {
			err.println("validate: no file given");
			err.println(usage());
			return 2;
		}
		boolean allValid = true;
		ValidateSummary summary = new ValidateSummary();
		for (Path file : files) {
			Map<String, Object> result = validateSafely(file);
			allValid &= "valid".equals(result.get("status"));
			summary.add(result);
			out.println(json ? JsonMapper.shared().writeValueAsString(result) : text(result));
		}
		if (summarize) {
			out.println(json ? JsonMapper.shared().writeValueAsString(summary.toMap()) : summary.toText());
		}
		return allValid ? 0 : 1;
	}

	/**
	 * One verdict per file whatever happens: the reader is meant to be total (a fuzz test
	 * holds it to that), but should it ever fail unexpectedly on one file, that file says
	 * so and the files after it are still checked.
	 */
	private static Map<String, Object> validateSafely(Path file) {
		try {
			return validate(file);
		}
		catch (RuntimeException | StackOverflowError ex) {
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("file", file.toString());
			result.put("status", "error");
			result.put("path", null);
			result.put("message", "internal error in the reader (please report it with this file): " + ex);
			result.put("requirements", List.of());
			return result;
		}
	}

	private static Map<String, Object> validate(Path file) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("file", file.toString());
		String xml;
		try {
			xml = Files.readString(file);
		}
		catch (MalformedInputException ex) {
			return invalid(result, null, "the file is not UTF-8 text");
		}
		catch (NoSuchFileException ex) {
			return invalid(result, null, "no such file");
		}
		catch (IOException | RuntimeException ex) {
			return invalid(result, null, "cannot read the file: " + ex.getMessage());
		}
		try {
			DomainDefinition def = DomainXml.parse(xml);
			List<Map<String, String>> requirements = new ArrayList<>();
			for (Requirement requirement : DomainRequirements.of(def)) {
				Map<String, String> entry = new LinkedHashMap<>();
				entry.put("driver", requirement.kind().driverName());
				entry.put("path", requirement.path());
				entry.put("element", requirement.element());
				requirements.add(entry);
			}
			result.put("status", "valid");
			result.put("path", null);
			result.put("message", null);
			result.put("name", def.name());
			result.put("requirements", requirements);
			return result;
		}
		catch (ConfigurationException ex) {
			result.put("status", (ex instanceof UnsupportedConfigurationException) ? "unsupported" : "invalid");
			result.put("path", ex.path());
			String message = ex.getMessage();
			// The path has its own field; the message says what is wrong there.
			if (ex.path() != null && message.startsWith(ex.path() + ": ")) {
				message = message.substring(ex.path().length() + 2);
			}
			result.put("message", message);
			result.put("requirements", List.of());
			return result;
		}
	}

	private static Map<String, Object> invalid(Map<String, Object> result, String path, String message) {
		result.put("status", "invalid");
		result.put("path", path);
		result.put("message", message);
		result.put("requirements", List.of());
		return result;
	}

	@SuppressWarnings("unchecked")
	private static String text(Map<String, Object> result) {
		StringBuilder line = new StringBuilder().append(result.get("file")).append(": ").append(result.get("status"));
		if (result.get("path") != null) {
			line.append(": ").append(result.get("path"));
		}
		if (result.get("message") != null) {
			line.append(": ").append(result.get("message"));
		}
		for (Map<String, String> requirement : (List<Map<String, String>>) result.get("requirements")) {
			line.append(System.lineSeparator())
				.append("  needs the ")
				.append(requirement.get("driver"))
				.append(" driver for ")
				.append(requirement.get("element"))
				.append(" at ")
				.append(requirement.get("path"));
		}
		return line.toString();
	}

}
