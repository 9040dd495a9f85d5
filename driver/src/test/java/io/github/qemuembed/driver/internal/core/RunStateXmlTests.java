package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.HostIoException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The run-state file's text: written by hand, read back, and read as the last release
 * wrote it.
 */
class RunStateXmlTests {

	private static final String DOMAIN_XML = """
			<domain type='kvm'>
			  <name>a&amp;b</name>
			  <description>"quoted" & <tagged></description>
			</domain>
			""";

	@Test
	void everyFieldSurvivesARoundTrip() {
		RunState state = new RunState("web-1", "6f1c7f0e-0d5e-4b8e-9a55-3c2f6f1f4a10", 7, 4242, 987654321L,
				List.of("/usr/bin/qemu-system-x86_64", "-name", "guest=web-1", "it's \"odd\" <&>\n\ttabbed\r"),
				"/r/lib/qemu/domain-7-web-1/monitor.sock", "/r/lib/qemu/domain-7-web-1",
				List.of("/r/serial0.sock", "/r/serial1.sock"), 1764600000000L, true,
				List.of("default|0b7e4c2a-5f0e-4c43-9a4e-1f2d3c4b5a69|virbr0|52:54:00:12:34:56"), DOMAIN_XML,
				List.of("qe-tap0"));
		assertThat(RunStateXml.read(RunStateXml.write(state))).isEqualTo(state);
	}

	@Test
	void emptyListsStayEmptyAndAbsentTapsReadAsNone() {
		RunState state = new RunState("b", "u", 0, 1, 2, List.of("qemu"), "/m", "/p", List.of(), 3, false, List.of(),
				"<domain/>", null);
		RunState read = RunStateXml.read(RunStateXml.write(state));
		assertThat(read.serialSockets()).isEmpty();
		assertThat(read.networkPorts()).isEmpty();
		assertThat(read.tapList()).isEmpty();
		assertThat(read.persistent()).isFalse();
		assertThat(read.domainXml()).isEqualTo("<domain/>");
	}

	/**
	 * Exactly what the last release's Jackson XML mapper wrote (captured from it): a root
	 * left by it must still be read, so that its QEMUs are adopted or reaped.
	 */
	@Test
	void recordWrittenByTheLastReleaseIsRead() {
		String former = "<domstatus><name>a&lt;b&amp;</name><uuid>u-1</uuid><id>3</id><pid>1234</pid>"
				+ "<startTicks>5678</startTicks><commandLine><commandLine>qemu</commandLine>"
				+ "<commandLine>-name</commandLine><commandLine>x'\"&lt;>&amp;\n\ty</commandLine></commandLine>"
				+ "<monitorSocket>/m.sock</monitorSocket><privateDir>/priv</privateDir><serialSockets/>"
				+ "<startedAt>99</startedAt><persistent>true</persistent><networkPorts>"
				+ "<networkPorts>net|0b7e4c2a-5f0e-4c43-9a4e-1f2d3c4b5a69|br0|52:54</networkPorts></networkPorts>"
				+ "<domainXml>&lt;domain type='kvm'>\n  &lt;name>a&lt;/name>\n&lt;/domain>\n</domainXml></domstatus>";
		RunState state = RunStateXml.read(former);
		assertThat(state).isEqualTo(new RunState("a<b&", "u-1", 3, 1234, 5678, List.of("qemu", "-name", "x'\"<>&\n\ty"),
				"/m.sock", "/priv", List.of(), 99, true, List.of("net|0b7e4c2a-5f0e-4c43-9a4e-1f2d3c4b5a69|br0|52:54"),
				"<domain type='kvm'>\n  <name>a</name>\n</domain>\n", List.of()));
		assertThat(state.ports()).singleElement().satisfies((port) -> assertThat(port.bridge()).isEqualTo("br0"));
	}

	@Test
	void recordWithTapsWrittenByTheLastReleaseIsRead() {
		String former = "<domstatus><name>b</name><uuid>u-1</uuid><id>3</id><pid>1234</pid><startTicks>5678</startTicks>"
				+ "<commandLine><commandLine>qemu</commandLine></commandLine><monitorSocket>/m.sock</monitorSocket>"
				+ "<privateDir>/priv</privateDir><serialSockets><serialSockets>/s1</serialSockets>"
				+ "<serialSockets>/s2</serialSockets></serialSockets><startedAt>99</startedAt>"
				+ "<persistent>false</persistent><networkPorts/><domainXml>&lt;domain/></domainXml>"
				+ "<taps><taps>tap0</taps></taps></domstatus>";
		assertThat(RunStateXml.read(former)).isEqualTo(new RunState("b", "u-1", 3, 1234, 5678, List.of("qemu"),
				"/m.sock", "/priv", List.of("/s1", "/s2"), 99, false, List.of(), "<domain/>", List.of("tap0")));
	}

	@Test
	void elementsALaterDriverMayAddAreSkipped() {
		String xml = RunStateXml
			.write(new RunState("c", "u", 1, 2, 3, List.of("q"), "/m", "/p", List.of(), 4, true, List.of(), "<domain/>",
					List.of()))
			.replace("</domstatus>", "<futureField>x</futureField></domstatus>");
		assertThat(RunStateXml.read(xml).name()).isEqualTo("c");
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "", "   ", "<domstatus><name>x</name>", "not xml at all", "<domain><name>x</name></domain>",
					"<domstatus><uuid>u</uuid><pid>1</pid><startTicks>2</startTicks><monitorSocket>/m</monitorSocket>"
							+ "<privateDir>/p</privateDir></domstatus>",
					"<domstatus><name>x</name><uuid>u</uuid><startTicks>2</startTicks><monitorSocket>/m</monitorSocket>"
							+ "<privateDir>/p</privateDir></domstatus>",
					"<domstatus><name>x</name><uuid>u</uuid><pid>twelve</pid><startTicks>2</startTicks>"
							+ "<monitorSocket>/m</monitorSocket><privateDir>/p</privateDir></domstatus>",
					"<!DOCTYPE domstatus [<!ENTITY x 'y'>]><domstatus><name>&x;</name></domstatus>" })
	void corruptRecordIsATypedErrorNamingTheFile(String text, @TempDir Path dir) throws Exception {
		RootLayout layout = RootLayout.of(dir);
		Files.createDirectories(layout.runDir());
		Path file = layout.runStateFile("x");
		Files.writeString(file, text);
		assertThatExceptionOfType(HostIoException.class).isThrownBy(() -> new RunStateStore(layout).read(file))
			.withMessageStartingWith("Cannot read the run state " + file + ": ")
			.withMessageContaining("not a run state")
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.SYSTEM_ERROR));
	}

	@Test
	void missingFieldIsNamed() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> RunStateXml.read("<domstatus><name>x</name><uuid>u</uuid><startTicks>2</startTicks>"
					+ "<monitorSocket>/m</monitorSocket><privateDir>/p</privateDir></domstatus>"))
			.withMessage("<pid> is missing");
	}

	@Test
	void storeWritesOwnerOnlyAndReadsBack(@TempDir Path dir) throws Exception {
		RootLayout layout = RootLayout.of(dir);
		Files.createDirectories(layout.runDir());
		RunStateStore store = new RunStateStore(layout);
		RunState state = new RunState("d", "u", 1, 2, 3, List.of("q"), "/m", "/p", List.of(), 4, true, List.of(),
				DOMAIN_XML, List.of());
		store.write(state);
		Path file = layout.runStateFile("d");
		assertThat(store.list()).containsExactly(file);
		assertThat(Files.getPosixFilePermissions(file)).extracting(Object::toString)
			.containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
		assertThat(store.read(file)).isEqualTo(state);
	}

}
