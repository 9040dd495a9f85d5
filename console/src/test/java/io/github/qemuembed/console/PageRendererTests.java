package io.github.qemuembed.console;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PageRendererTests {

	private final PageRenderer pages = new PageRenderer(paths());

	@Test
	void escapesNamesAndMessages() {
		DomainRow row = new DomainRow("<b>x\"y&", "running", "running/booted", true, 3723, 2, 131072, 12.34, 2048.0,
				null, 0.0, 1536.0, null, "connected", 2, "<i>clean");
		String html = this.pages.dashboard(List.of(row), List.of(new CsrfTokens.Token("X-Qemu-Console-Csrf", "t\"<")));
		assertThat(html).doesNotContain("<b>x")
			.contains("&lt;b&gt;x&quot;y&amp;")
			.contains("href=\"/qemu/domains/%3Cb%3Ex%22y&amp;\"")
			.contains("content=\"t&quot;&lt;\"")
			.contains("<td class=\"uptime\">1h 02m 03s</td>")
			.contains("<td class=\"memory\">128 MiB</td>")
			.contains("<td class=\"cpu\">12.3 %</td>")
			.contains("<td class=\"block\">2.0 KiB/s / –</td>")
			.contains("<td class=\"net\">0 B/s / 1.5 KiB/s</td>")
			.contains("<td class=\"agent\">connected</td>")
			.contains("<td class=\"snapshots\">2 (current: &lt;i&gt;clean)</td>");
		assertThat(this.pages.error(404, "Not Found", "No domain named '<script>'"))
			.contains("No domain named &#39;&lt;script&gt;&#39;");
	}

	@Test
	void noInlineScript() {
		DomainRow row = new DomainRow("web", "shutoff", "shutoff/shutdown", false, 0, 1, 65536, null, null, null, null,
				null, null, "none", null, null);
		String html = this.pages.domain(row, List.of());
		assertThat(html).contains("<script src=\"/qemu/assets/vendor/xterm/xterm.js\"></script>")
			.contains("data-socket=\"/qemu/domains/web/console\"")
			.doesNotContain("<script>");
	}

	private static ConsolePaths paths() {
		QemuEmbedConsoleProperties properties = new QemuEmbedConsoleProperties();
		return ConsolePaths.of(properties);
	}

}
