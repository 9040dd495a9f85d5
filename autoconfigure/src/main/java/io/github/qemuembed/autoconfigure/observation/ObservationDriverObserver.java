package io.github.qemuembed.autoconfigure.observation;

import io.github.qemuembed.driver.observation.DomainOperation;
import io.github.qemuembed.driver.observation.DriverObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * The driver's scopes as Micrometer {@link Observation}s. A domain operation is opened as
 * the current observation of the caller's thread while it runs, so that whatever it calls
 * on that thread (QMP commands, libvirt calls, and the application's own observations)
 * becomes its child; a QMP command sent by the QMP I/O thread gets the parent the driver
 * captured on the caller's thread. QMP commands are started and stopped without a scope
 * of their own: nothing runs inside them, and they end on another thread than they began.
 */
final class ObservationDriverObserver implements DriverObserver {

	private static final DomainOperationObservationConvention DEFAULT_DOMAIN_OPERATIONS = new DefaultDomainOperationObservationConvention();

	private static final QmpCommandObservationConvention DEFAULT_QMP_COMMANDS = new DefaultQmpCommandObservationConvention();

	private static final RemoteCallObservationConvention DEFAULT_REMOTE_CALLS = new DefaultRemoteCallObservationConvention();

	private final ObservationRegistry registry;

	private final DomainOperationObservationConvention domainOperations;

	private final QmpCommandObservationConvention qmpCommands;

	private final RemoteCallObservationConvention remoteCalls;

	/** Each convention {@code null} for the default. */
	ObservationDriverObserver(ObservationRegistry registry, DomainOperationObservationConvention domainOperations,
			QmpCommandObservationConvention qmpCommands, RemoteCallObservationConvention remoteCalls) {
		this.registry = registry;
		this.domainOperations = domainOperations;
		this.qmpCommands = qmpCommands;
		this.remoteCalls = remoteCalls;
	}

	@Override
	public Context current() {
		Observation current = this.registry.getCurrentObservation();
		return (current != null) ? new Parent(current) : Context.NONE;
	}

	@Override
	public Scope domainOperation(DomainOperation operation, String domain) {
		DomainOperationContext context = new DomainOperationContext(operation, domain);
		Observation observation = QemuObservationDocumentation.DOMAIN_OPERATION
			.observation(this.domainOperations, DEFAULT_DOMAIN_OPERATIONS, () -> context, this.registry)
			.start();
		Observation.Scope scope = observation.openScope();
		return (failure) -> {
			scope.close();
			stop(observation, context, failure);
		};
	}

	@Override
	public Scope qmpCommand(Context parent, String domain, String command) {
		QmpCommandContext context = new QmpCommandContext(domain, command);
		Observation observation = QemuObservationDocumentation.QMP_COMMAND.observation(this.qmpCommands,
				DEFAULT_QMP_COMMANDS, () -> context, this.registry);
		if (parent instanceof Parent given) {
			observation.parentObservation(given.observation());
		}
		observation.start();
		return (failure) -> stop(observation, context, failure);
	}

	@Override
	public Scope remoteCall(String role, String endpoint, String procedure) {
		RemoteCallContext context = new RemoteCallContext(role, endpoint, procedure);
		Observation observation = QemuObservationDocumentation.REMOTE_CALL
			.observation(this.remoteCalls, DEFAULT_REMOTE_CALLS, () -> context, this.registry)
			.start();
		return (failure) -> stop(observation, context, failure);
	}

	private static void stop(Observation observation, QemuObservationContext context, Throwable failure) {
		context.finish();
		if (failure != null) {
			observation.error(failure);
		}
		observation.stop();
	}

	/** The caller's observation, carried to the thread that continues its work. */
	private record Parent(Observation observation) implements Context {
	}

}
