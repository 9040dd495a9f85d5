package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.QmpException;
import io.github.qemuembed.driver.observation.DomainOperation;
import io.github.qemuembed.driver.observation.DriverObserver;
import io.github.qemuembed.driver.qmp.QmpExecuteError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Layer 2: the observer sees domain operations and their QMP commands on real QEMU, each
 * command with the operation as its parent, also {@code qmp_capabilities}, which the QMP
 * I/O thread sends.
 */
class DriverObserverTests {

	private final Recorder recorder = new Recorder();

	private Path root;

	private QemuDriver driver;

	@BeforeEach
	void open() throws Exception {
		this.root = GuestlessDomains.newRoot();
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root).observer(this.recorder).build());
	}

	@AfterEach
	void close() throws Exception {
		this.driver.close();
		GuestlessDomains.deleteTree(this.root);
	}

	@Test
	void qmpCommandsAreChildrenOfTheOperationThatSentThem() {
		Domain domain = this.driver.define(GuestlessDomains.xml("alpha"));
		domain.start();
		domain.suspend();
		domain.resume();
		assertThat(this.recorder.operation(DomainOperation.DEFINE).domain).isEqualTo("alpha");
		Node start = this.recorder.operation(DomainOperation.START);
		assertThat(start.domain).isEqualTo("alpha");
		assertThat(start.ended).isTrue();
		assertThat(start.failure.get()).isNull();
		assertThat(this.recorder.childrenOf(start)).extracting((n) -> n.name)
			.startsWith("qmp_capabilities")
			.contains("cont");
		Node capabilities = this.recorder.childrenOf(start).get(0);
		// sent by the shared I/O thread when QEMU greets, yet a child of the caller's
		// start
		assertThat(capabilities.thread).isEqualTo("qemu-embed-qmp-io");
		assertThat(capabilities.domain).isEqualTo("alpha");
		assertThat(this.recorder.childrenOf(start)).filteredOn((n) -> n.name.equals("cont"))
			.singleElement()
			.satisfies((cont) -> assertThat(cont.thread).isEqualTo(Thread.currentThread().getName()));
		assertThat(this.recorder.childrenOf(this.recorder.operation(DomainOperation.SUSPEND))).extracting((n) -> n.name)
			.containsExactly("stop");
		assertThat(this.recorder.childrenOf(this.recorder.operation(DomainOperation.RESUME))).extracting((n) -> n.name)
			.containsExactly("cont");
		assertThat(this.recorder.nodes).allSatisfy((n) -> assertThat(n.ended).as(n.name).isTrue());
	}

	@Test
	void failuresEndTheScopeWithTheirException() {
		Domain domain = this.driver.define(GuestlessDomains.xml("beta"));
		domain.start();
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(domain::start);
		assertThatExceptionOfType(QmpException.class)
			.isThrownBy(() -> domain.qmp("{\"execute\": \"no-such-command\"}"));
		List<Node> starts = this.recorder.nodes.stream().filter((n) -> n.name.equals("start")).toList();
		assertThat(starts).hasSize(2);
		assertThat(starts.get(0).failure.get()).isNull();
		assertThat(starts.get(1).failure.get()).isInstanceOf(InvalidOperationException.class);
		// refused before it reached QEMU: no command of its own
		assertThat(this.recorder.childrenOf(starts.get(1))).isEmpty();
		assertThat(this.recorder.nodes).filteredOn((n) -> n.name.equals("no-such-command"))
			.singleElement()
			.satisfies((n) -> assertThat(n.failure.get()).isInstanceOf(QmpExecuteError.class)
				.hasMessageContaining("CommandNotFound"));
	}

	@Test
	void aBrokenObserverDoesNotBreakTheOperation() throws Exception {
		Path otherRoot = GuestlessDomains.newRoot();
		DriverObserver broken = new DriverObserver() {

			@Override
			public Context current() {
				throw new IllegalStateException("broken");
			}

			@Override
			public Scope domainOperation(DomainOperation operation, String domain) {
				return (failure) -> {
					throw new IllegalStateException("broken");
				};
			}

			@Override
			public Scope qmpCommand(Context parent, String domain, String command) {
				throw new IllegalStateException("broken");
			}

		};
		try (QemuDriver other = QemuDriver.open(GuestlessDomains.config(otherRoot).observer(broken).build())) {
			Domain domain = other.define(GuestlessDomains.xml("delta"));
			domain.start();
			domain.suspend();
			assertThat(domain.status().state()).isEqualTo(DomainState.PAUSED);
			domain.destroy();
		}
		finally {
			GuestlessDomains.deleteTree(otherRoot);
		}
	}

	@Test
	void aQmpCommandOutsideAnyOperationHasNoParent() {
		Domain domain = this.driver.define(GuestlessDomains.xml("gamma"));
		domain.start();
		this.recorder.nodes.clear();
		domain.blockStats();
		assertThat(this.recorder.nodes).singleElement().satisfies((n) -> {
			assertThat(n.name).isEqualTo("query-blockstats");
			assertThat(n.parent).isNull();
		});
	}

	/**
	 * Scopes as a tracer would keep them: a thread-local current operation, commands with
	 * explicit parents.
	 */
	static final class Recorder implements DriverObserver {

		final List<Node> nodes = new CopyOnWriteArrayList<>();

		private final ThreadLocal<Node> current = new ThreadLocal<>();

		@Override
		public Context current() {
			Node node = this.current.get();
			return (node != null) ? node : Context.NONE;
		}

		@Override
		public Scope domainOperation(DomainOperation operation, String domain) {
			Node previous = this.current.get();
			Node node = record(operation.value(), domain, previous);
			this.current.set(node);
			return (failure) -> {
				node.end(failure);
				this.current.set(previous);
			};
		}

		@Override
		public Scope qmpCommand(Context parent, String domain, String command) {
			Node node = record(command, domain, (parent instanceof Node p) ? p : null);
			return node::end;
		}

		private Node record(String name, String domain, Node parent) {
			Node node = new Node(name, domain, parent, Thread.currentThread().getName());
			this.nodes.add(node);
			return node;
		}

		Node operation(DomainOperation operation) {
			return this.nodes.stream().filter((n) -> n.name.equals(operation.value())).findFirst().orElseThrow();
		}

		List<Node> childrenOf(Node parent) {
			return this.nodes.stream().filter((n) -> n.parent == parent).toList();
		}

	}

	static final class Node implements DriverObserver.Context {

		final String name;

		final String domain;

		final Node parent;

		final String thread;

		final AtomicReference<Throwable> failure = new AtomicReference<>();

		volatile boolean ended;

		Node(String name, String domain, Node parent, String thread) {
			this.name = name;
			this.domain = domain;
			this.parent = parent;
			this.thread = thread;
		}

		void end(Throwable failure) {
			this.failure.set(failure);
			this.ended = true;
		}

	}

}
