package io.github.qemuembed.autoconfigure.actuate;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code qemu} endpoint with write operations, used only when
 * {@code qemu.embed.actuator.write-operations=true}: {@code POST /actuator/qemu/{name}/{action}}
 * with action {@code start}, {@code shutdown}, {@code destroy}, {@code reboot}, {@code suspend} or
 * {@code resume}. Each action needs its permission for the request's caller; an anonymous caller has
 * none of them unless a rule names it.
 */
@Endpoint(id = "qemu")
public class QemuWritableEndpoint extends QemuEndpoint {

	private final Duration shutdownTimeout;

	public QemuWritableEndpoint(QemuDriver driver, DomainSnapshots snapshots, Duration shutdownTimeout) {
		super(driver, snapshots);
		this.shutdownTimeout = shutdownTimeout;
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
				case "shutdown" -> domain.shutdown(this.shutdownTimeout) ? "powered off"
						: "forced off after " + this.shutdownTimeout;
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

	/** An action the endpoint does not know; reported as 400. */
	static final class UnknownActionException extends IllegalArgumentException {

		UnknownActionException(String action) {
			super("Unknown action '" + action + "': use start, shutdown, destroy, reboot, suspend or resume");
		}

	}

}
