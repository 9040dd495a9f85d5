package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainOperationListener.Operation;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.InvalidOperationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Layer 2: the operation listener sees every start, shutdown and destroy of guest-less
 * domains on real QEMU.
 */
class DomainOperationListenerTests {

	record Completed(Operation operation, String domain, Duration duration, Throwable failure) {

	}

	private final List<Completed> completed = new CopyOnWriteArrayList<>();

	private Path root;

	private QemuDriver driver;

	@BeforeEach
	void open() throws Exception {
		this.root = GuestlessDomains.newRoot();
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root)
			.addOperationListener((operation, domain, duration, failure) -> this.completed
				.add(new Completed(operation, domain, duration, failure)))
			.addOperationListener((operation, domain, duration, failure) -> {
				throw new IllegalStateException("a broken listener does not break the operation");
			})
			.build());
	}

	@AfterEach
	void close() throws Exception {
		this.driver.close();
		GuestlessDomains.deleteTree(this.root);
	}

	@Test
	void startShutdownAndDestroyAreReportedWithTheirOutcome() {
		Domain domain = this.driver.define(GuestlessDomains.xml("alpha"));
		domain.start();
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(domain::start);
		// nothing in the guest answers the ACPI power button: the shutdown ends forced,
		// and still succeeds
		assertThat(domain.shutdown(Duration.ofMillis(300))).isFalse();
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(domain::destroy);
		domain.start();
		domain.destroy();
		assertThat(this.completed).extracting(Completed::operation)
			.containsExactly(Operation.START, Operation.START, Operation.SHUTDOWN, Operation.DESTROY, Operation.START,
					Operation.DESTROY);
		assertThat(this.completed).extracting(Completed::domain).containsOnly("alpha");
		assertThat(this.completed).allSatisfy((c) -> assertThat(c.duration()).isPositive());
		assertThat(this.completed.get(0).failure()).isNull();
		assertThat(this.completed.get(1).failure()).isInstanceOf(InvalidOperationException.class);
		assertThat(this.completed.get(2).failure()).isNull();
		assertThat(this.completed.get(3).failure()).isInstanceOf(InvalidOperationException.class);
		assertThat(this.completed.get(4).failure()).isNull();
		assertThat(this.completed.get(5).failure()).isNull();
	}

	@Test
	void startOfATransientDomainIsReported() {
		Domain domain = this.driver.createTransient(GuestlessDomains.xml("beta"));
		domain.destroy();
		assertThat(this.completed).extracting(Completed::operation, Completed::domain)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(Operation.START, "beta"),
					org.assertj.core.groups.Tuple.tuple(Operation.DESTROY, "beta"));
	}

}
