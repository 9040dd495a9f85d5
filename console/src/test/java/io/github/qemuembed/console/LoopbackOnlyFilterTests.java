package io.github.qemuembed.console;

import java.io.IOException;

import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackOnlyFilterTests {

	private final LoopbackOnlyFilter filter = new LoopbackOnlyFilter(paths("/qemu"));

	@Test
	void servesTheLoopbackInterface() throws Exception {
		for (String local : new String[] { "127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1" }) {
			assertThat(run("/qemu/", local).getStatus()).as(local).isEqualTo(200);
		}
	}

	@Test
	void refusesOtherInterfacesWithTheKeyToSet() throws Exception {
		for (String local : new String[] { "10.0.0.5", "192.168.1.20", "fe80::1", "0.0.0.0", "", "localhost" }) {
			MockHttpServletResponse response = run("/qemu/domains/web/console", local);
			assertThat(response.getStatus()).as(local).isEqualTo(403);
			assertThat(response.getContentAsString()).contains("qemu.embed.console.allow-remote=true");
		}
	}

	@Test
	void leavesTheApplicationsOwnPathsAlone() throws Exception {
		assertThat(run("/actuator/health", "10.0.0.5").getStatus()).isEqualTo(200);
		LoopbackOnlyFilter atRoot = new LoopbackOnlyFilter(paths("/"));
		MockHttpServletRequest request = request("/vms/demo", "10.0.0.5");
		MockHttpServletResponse response = new MockHttpServletResponse();
		atRoot.doFilter(request, response, new MockFilterChain());
		assertThat(response.getStatus()).isEqualTo(200);
		MockHttpServletResponse refused = new MockHttpServletResponse();
		atRoot.doFilter(request("/", "10.0.0.5"), refused, new MockFilterChain());
		assertThat(refused.getStatus()).isEqualTo(403);
	}

	@Test
	void matchesBelowTheContextPath() throws Exception {
		MockHttpServletRequest request = request("/app/qemu/", "10.0.0.5");
		request.setContextPath("/app");
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(request, response, new MockFilterChain());
		assertThat(response.getStatus()).isEqualTo(403);
	}

	private MockHttpServletResponse run(String uri, String localAddress) throws ServletException, IOException {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(request(uri, localAddress), response, new MockFilterChain());
		return response;
	}

	private static MockHttpServletRequest request(String uri, String localAddress) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
		request.setLocalAddr(localAddress);
		return request;
	}

	private static ConsolePaths paths(String path) {
		QemuEmbedConsoleProperties properties = new QemuEmbedConsoleProperties();
		properties.setPath(path);
		return ConsolePaths.of(properties);
	}

}
