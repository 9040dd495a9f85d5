package io.github.qemuembed.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.InvalidOperationException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sample's own REST API over the driver. Its calls are made for web requests, so the
 * access policy sees the request's caller (anonymous here, since the sample has no
 * login), never the application itself.
 */
@RestController
@RequestMapping("/vms")
class VmController {

	private final QemuDriver driver;

	private final ConsoleTails consoles;

	VmController(QemuDriver driver, ConsoleTails consoles) {
		this.driver = driver;
		this.consoles = consoles;
	}

	@GetMapping
	List<VmView> list() {
		return this.driver.list(DomainListFilter.ALL).stream().map(VmView::of).toList();
	}

	@GetMapping("/{name}")
	VmView get(@PathVariable String name) {
		return VmView.of(this.driver.lookup(name));
	}

	@PostMapping("/{name}/start")
	VmView start(@PathVariable String name) {
		Domain domain = this.driver.lookup(name);
		domain.start();
		return VmView.of(domain);
	}

	/**
	 * Graceful by default (ACPI, forced after the timeout); {@code ?force=true} destroys
	 * at once.
	 */
	@PostMapping("/{name}/stop")
	Map<String, Object> stop(@PathVariable String name, @RequestParam(defaultValue = "false") boolean force,
			@RequestParam(defaultValue = "10") long timeoutSeconds) {
		Duration timeout = Duration.ofSeconds(timeoutSeconds);
		Domain domain = this.driver.lookup(name);
		if (force) {
			domain.destroy();
			return Map.of("name", name, "stopped", "destroyed");
		}
		boolean clean = domain.shutdown(timeout);
		return Map.of("name", name, "stopped", clean ? "powered off" : "forced off after " + timeout);
	}

	/**
	 * The end of the domain's log: QEMU's command line and output, and what the guest
	 * wrote to its serial console.
	 */
	@GetMapping(path = "/{name}/console", produces = MediaType.TEXT_PLAIN_VALUE)
	String console(@PathVariable String name) {
		this.driver.lookup(name);
		return this.consoles.tail(name);
	}

	@ExceptionHandler(DomainNotFoundException.class)
	ResponseEntity<Map<String, String>> notFound(DomainNotFoundException ex) {
		return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", ex.getMessage()));
	}

	@ExceptionHandler(AccessDeniedException.class)
	ResponseEntity<Map<String, String>> forbidden(AccessDeniedException ex) {
		return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", ex.getMessage()));
	}

	@ExceptionHandler(InvalidOperationException.class)
	ResponseEntity<Map<String, String>> conflict(InvalidOperationException ex) {
		return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", ex.getMessage()));
	}

	record VmView(String name, String uuid, String state, Long pid, String uptime, int vcpus, long memoryKiB,
			boolean persistent) {

		static VmView of(Domain domain) {
			DomainInfo info = domain.info();
			return new VmView(domain.name(), domain.uuid().toString(), info.status().toString(),
					info.pid().isPresent() ? info.pid().getAsLong() : null, info.uptime().toString(), info.vcpus(),
					info.maxMemoryKiB(), info.persistent());
		}

	}

}
