package io.github.qemuembed.sample;

import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.DomainSnapshotException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A snapshot round trip over HTTP: take a full snapshot of a running VM, list the tree,
 * go back to it, delete it. Each call needs {@code domain.snapshot} (or
 * {@code domain.read} to list): the {@code snapshot-demo} profile grants it to anonymous
 * callers for 'demo'.
 */
@RestController
@RequestMapping("/vms/{name}/snapshots")
class SnapshotController {

	private final QemuDriver driver;

	SnapshotController(QemuDriver driver) {
		this.driver = driver;
	}

	@GetMapping
	List<Map<String, Object>> list(@PathVariable String name) {
		return this.driver.lookup(name).snapshots().stream().map(SnapshotController::view).toList();
	}

	@PostMapping("/{snapshot}")
	Map<String, Object> take(@PathVariable String name, @PathVariable String snapshot) {
		Domain domain = this.driver.lookup(name);
		return view(domain.createSnapshot("<domainsnapshot><name>" + escape(snapshot) + "</name></domainsnapshot>"));
	}

	@PostMapping("/{snapshot}/revert")
	Map<String, Object> revert(@PathVariable String name, @PathVariable String snapshot) {
		Domain domain = this.driver.lookup(name);
		domain.revertToSnapshot(snapshot);
		return Map.of("name", name, "state", domain.status().toString(), "revertedTo", snapshot);
	}

	@DeleteMapping("/{snapshot}")
	Map<String, Object> delete(@PathVariable String name, @PathVariable String snapshot) {
		this.driver.lookup(name).deleteSnapshot(snapshot);
		return Map.of("name", name, "deleted", snapshot);
	}

	/** The name as XML text (the driver then checks it is a valid snapshot name). */
	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	private static Map<String, Object> view(DomainSnapshot snapshot) {
		return Map.of("name", snapshot.name(), "parent", snapshot.parent().orElse(""), "state", snapshot.state(),
				"current", snapshot.current(), "full", snapshot.isFull());
	}

	@ExceptionHandler(DomainSnapshotException.class)
	ResponseEntity<Map<String, String>> invalid(DomainSnapshotException ex) {
		return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", ex.getMessage()));
	}

	@ExceptionHandler(AccessDeniedException.class)
	ResponseEntity<Map<String, String>> forbidden(AccessDeniedException ex) {
		return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", ex.getMessage()));
	}

}
