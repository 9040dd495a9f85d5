package io.github.qemuembed.autoconfigure.actuate;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import io.github.qemuembed.autoconfigure.actuate.DomainSnapshots.Snapshot;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.internal.xml.SecureXml;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.NetInterface;
import io.github.qemuembed.driver.internal.xml.PortForward;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code qemu} endpoint: {@code GET /actuator/qemu} lists the domains the caller may
 * see, {@code GET /actuator/qemu/{name}} adds devices, the tail of QEMU's log and the XML
 * without secrets, and {@code POST /actuator/qemu/{name}/{action}} (action {@code start},
 * {@code shutdown}, {@code destroy}, {@code reboot}, {@code suspend} or {@code resume})
 * acts on a domain.
 * <p>
 * Its access is read-only by default: Boot's endpoint access model
 * ({@code management.endpoint.qemu.access=unrestricted}) turns the write operation on.
 * Every driver call also goes through the access policy as the request's caller: the
 * principal Spring Security (or the servlet container) authenticated, or else the
 * anonymous caller, never the application. Unknown domain: 404; denied: 403; invalid
 * state: 409; unknown action: 400.
 */
@Endpoint(id = "qemu", defaultAccess = Access.READ_ONLY)
public class QemuEndpoint {

	private static final int LOG_TAIL_BYTES = 4096;

	private final QemuDriver driver;

	private final DomainSnapshots snapshots;

	private final Duration shutdownTimeout;

	/**
	 * @param shutdownTimeout how long the {@code shutdown} action waits for the guest
	 * before it forces the domain off
	 */
	public QemuEndpoint(QemuDriver driver, DomainSnapshots snapshots, Duration shutdownTimeout) {
		this.driver = driver;
		this.snapshots = snapshots;
		this.shutdownTimeout = shutdownTimeout;
	}

	@ReadOperation
	public WebEndpointResponse<Object> domains() {
		return respond(() -> {
			List<Map<String, Object>> domains = new ArrayList<>();
			for (Snapshot snapshot : this.snapshots.all()) {
				domains.add(view(snapshot));
			}
			return Map.of("domains", domains);
		});
	}

	@ReadOperation
	public WebEndpointResponse<Object> domain(@Selector String name) {
		return respond(() -> {
			Domain domain = this.driver.lookup(name);
			Map<String, Object> view = view(this.snapshots.of(domain));
			String xml = domain.xml(false);
			view.put("devices", devices(xml));
			view.put("portForwards", portForwards(xml));
			view.put("snapshots", snapshots(domain));
			view.put("logTail", logTail(name));
			view.put("xml", xml);
			return view;
		});
	}

	/**
	 * The domain's snapshots, oldest first, each with its parent so that the tree can be
	 * drawn.
	 */
	private static List<Map<String, Object>> snapshots(Domain domain) {
		List<Map<String, Object>> snapshots = new ArrayList<>();
		for (DomainSnapshot snapshot : domain.snapshots()) {
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("name", snapshot.name());
			view.put("parent", snapshot.parent().orElse(null));
			view.put("state", snapshot.state());
			view.put("createdAt", snapshot.createdAt().toString());
			view.put("current", snapshot.current());
			view.put("full", snapshot.isFull());
			snapshots.add(view);
		}
		return snapshots;
	}

	@WriteOperation
	public WebEndpointResponse<Object> operate(@Selector String name, @Selector String action) {
		return respond(() -> {
			Domain domain = this.driver.lookup(name);
			Object result = switch (action.toLowerCase(Locale.ROOT)) {
				case "start" -> {
					domain.start();
					yield "started";
				}
				case "shutdown" ->
					domain.shutdown(this.shutdownTimeout) ? "powered off" : "forced off after " + this.shutdownTimeout;
				case "destroy" -> {
					domain.destroy();
					yield "destroyed";
				}
				case "reboot" -> {
					domain.reboot();
					yield "rebooting";
				}
				case "suspend" -> {
					domain.suspend();
					yield "suspended";
				}
				case "resume" -> {
					domain.resume();
					yield "resumed";
				}
				default -> null;
			};
			if (result == null) {
				throw new UnknownActionException(action);
			}
			return Map.of("name", name, "action", action, "result", result, "status", domain.status().toString());
		});
	}

	/** Runs an operation and maps the driver's errors to HTTP statuses. */
	private static WebEndpointResponse<Object> respond(Supplier<Object> operation) {
		try {
			return new WebEndpointResponse<>(operation.get(), WebEndpointResponse.STATUS_OK);
		}
		catch (DomainNotFoundException ex) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, ex);
		}
		catch (AccessDeniedException ex) {
			return error(403, ex);
		}
		catch (InvalidOperationException ex) {
			return error(409, ex);
		}
		catch (UnknownActionException ex) {
			return error(400, ex);
		}
	}

	private static WebEndpointResponse<Object> error(int status, RuntimeException ex) {
		return new WebEndpointResponse<>(Map.of("error", ex.getMessage()), status);
	}

	private static Map<String, Object> view(Snapshot snapshot) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("name", snapshot.name());
		view.put("uuid", snapshot.uuid().toString());
		DomainInfo info = snapshot.info();
		if (info != null) {
			view.put("state", info.status().state().name().toLowerCase(Locale.ROOT));
			view.put("reason", info.status().reason().label());
			view.put("pid", info.pid().isPresent() ? info.pid().getAsLong() : null);
			view.put("uptime", info.uptime().toString());
			view.put("vcpus", info.vcpus());
			view.put("memoryKiB", info.maxMemoryKiB());
			view.put("currentMemoryKiB", info.currentMemoryKiB());
			view.put("cpuTime", info.cpuTime().toString());
			view.put("residentBytes", info.residentBytes());
			view.put("persistent", info.persistent());
			view.put("guestAgent", info.guestAgent().name().toLowerCase(Locale.ROOT));
		}
		if (snapshot.denied() != null) {
			view.put("denied", snapshot.denied().request().permission().libvirtName());
		}
		view.put("stale", snapshot.stale());
		if (snapshot.error() != null) {
			view.put("staleReason", snapshot.error());
		}
		return view;
	}

	/**
	 * The host ports forwarded into user-mode NICs ({@code <portForward>}), one entry per
	 * range, with the ports the driver chose for {@code start='0'} when the domain runs
	 * (the live XML has them).
	 */
	static List<Map<String, Object>> portForwards(String xml) {
		List<Map<String, Object>> forwards = new ArrayList<>();
		List<NetInterface> nics;
		try {
			nics = DomainXml.parse(xml).devices().interfaces();
		}
		catch (RuntimeException ex) {
			// the driver produced the XML; a parse problem here only means no forward
			// list
			return forwards;
		}
		for (int i = 0; i < nics.size(); i++) {
			for (PortForward forward : nics.get(i).portForwards()) {
				for (PortForward.Range range : forward.ranges()) {
					Map<String, Object> entry = new LinkedHashMap<>();
					entry.put("interface", i);
					entry.put("protocol", forward.protocol().xmlName());
					entry.put("address", forward.address().orElse(""));
					entry.put("hostPort", range.start());
					entry.put("hostPortEnd", range.start() + range.size() - 1);
					entry.put("guestPort", range.exclude() ? null : range.guestPort(0));
					entry.put("exclude", range.exclude());
					forwards.add(entry);
				}
			}
		}
		return forwards;
	}

	/**
	 * The children of {@code <devices>}: element name and its {@code type} attribute, if
	 * any.
	 */
	static List<Map<String, String>> devices(String xml) {
		List<Map<String, String>> devices = new ArrayList<>();
		try {
			SecureXml.child(SecureXml.parseElement(xml, "domain"), "devices")
				.ifPresent((list) -> SecureXml.children(list).forEach((element) -> {
					Map<String, String> device = new LinkedHashMap<>();
					device.put("device", element.getTagName());
					SecureXml.attribute(element, "type").ifPresent((type) -> device.put("type", type));
					devices.add(device);
				}));
		}
		catch (InvalidConfigurationException ex) {
			// the driver produced the XML; a parse problem here only means no device list
		}
		return devices;
	}

	/**
	 * The end of {@code log/qemu/NAME.log} under the root: QEMU's own output and command
	 * line.
	 */
	private String logTail(String name) {
		Path log = this.driver.root().resolve("log").resolve("qemu").resolve(name + ".log");
		if (!Files.isRegularFile(log)) {
			return "";
		}
		try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
			long start = Math.max(0, file.length() - LOG_TAIL_BYTES);
			byte[] bytes = new byte[(int) (file.length() - start)];
			file.seek(start);
			file.readFully(bytes);
			return new String(bytes, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** An action the endpoint does not know; reported as 400. */
	static final class UnknownActionException extends IllegalArgumentException {

		UnknownActionException(String action) {
			super("Unknown action '" + action + "': use start, shutdown, destroy, reboot, suspend or resume");
		}

	}

}
