package io.github.qemuembed.autoconfigure.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of the embedded QEMU driver: what they are named, and their keys.
 * Low-cardinality keys become tags of the timers that Spring Boot's
 * {@code DefaultMeterObservationHandler} records, and span tags; high-cardinality keys
 * are span tags only.
 */
public enum QemuObservationDocumentation implements ObservationDocumentation {

	/**
	 * A public operation on a domain (define, start, shutdown, destroy, reboot, reset,
	 * suspend, resume, save, managed-save, restore, snapshot-create, snapshot-revert,
	 * snapshot-delete, undefine), the wait for the domain's other operations included.
	 * Its timer keeps the name the starter's operation timer always had.
	 */
	DOMAIN_OPERATION {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultDomainOperationObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return DomainOperationLowCardinalityKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return DomainOperationHighCardinalityKeys.values();
		}

	},

	/** One QMP command on a domain's monitor, from its submission to its reply. */
	QMP_COMMAND {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultQmpCommandObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return QmpCommandLowCardinalityKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return QmpCommandHighCardinalityKeys.values();
		}

	},

	/**
	 * One call of libvirt's remote protocol to the daemon of a remote secondary driver
	 * (network, storage, secret).
	 */
	REMOTE_CALL {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultRemoteCallObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return RemoteCallLowCardinalityKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return RemoteCallHighCardinalityKeys.values();
		}

	};

	/** Low-cardinality keys of {@link #DOMAIN_OPERATION}. */
	public enum DomainOperationLowCardinalityKeys implements KeyName {

		/** {@code start}, {@code shutdown}, {@code destroy}, {@code managed-save}, ... */
		OPERATION {
			@Override
			public String asString() {
				return "operation";
			}
		},

		/**
		 * {@code success}, {@code failure} ({@code unknown} while the operation runs).
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/** Simple class name of the failure, {@code none}. */
		EXCEPTION {
			@Override
			public String asString() {
				return "exception";
			}
		},

		/**
		 * The failure's {@code ErrorCode} ({@code OPERATION_INVALID},
		 * {@code OPERATION_TIMEOUT}), {@code none}.
		 */
		ERROR_CODE {
			@Override
			public String asString() {
				return "error.code";
			}
		}

	}

	/** High-cardinality keys of {@link #DOMAIN_OPERATION}. */
	public enum DomainOperationHighCardinalityKeys implements KeyName {

		/** The domain's name. */
		DOMAIN {
			@Override
			public String asString() {
				return "domain";
			}
		}

	}

	/** Low-cardinality keys of {@link #QMP_COMMAND}. */
	public enum QmpCommandLowCardinalityKeys implements KeyName {

		/**
		 * The command ({@code qmp_capabilities}, {@code cont}, {@code query-status});
		 * never its arguments.
		 */
		COMMAND {
			@Override
			public String asString() {
				return "command";
			}
		},

		/** {@code success}, {@code failure} ({@code unknown} while it runs). */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/**
		 * QMP's error class ({@code GenericError}, {@code CommandNotFound},
		 * {@code Disconnected}), {@code Timeout} when no reply came in time,
		 * {@code none}.
		 */
		ERROR_CLASS {
			@Override
			public String asString() {
				return "error.class";
			}
		}

	}

	/** High-cardinality keys of {@link #QMP_COMMAND}. */
	public enum QmpCommandHighCardinalityKeys implements KeyName {

		/** The domain whose monitor it is. */
		DOMAIN {
			@Override
			public String asString() {
				return "domain";
			}
		}

	}

	/** Low-cardinality keys of {@link #REMOTE_CALL}. */
	public enum RemoteCallLowCardinalityKeys implements KeyName {

		/**
		 * The remote procedure ({@code CONNECT_OPEN}, {@code NETWORK_LOOKUP_BY_NAME},
		 * ...).
		 */
		PROCEDURE {
			@Override
			public String asString() {
				return "procedure";
			}
		},

		/**
		 * Which secondary driver: {@code network driver}, {@code storage driver},
		 * {@code secret driver}.
		 */
		ROLE {
			@Override
			public String asString() {
				return "role";
			}
		},

		/** {@code success}, {@code failure} ({@code unknown} while it runs). */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/**
		 * The failure's {@code ErrorCode} ({@code NO_CONNECT}, {@code RPC}, ...),
		 * {@code none}.
		 */
		ERROR_CODE {
			@Override
			public String asString() {
				return "error.code";
			}
		}

	}

	/** High-cardinality keys of {@link #REMOTE_CALL}. */
	public enum RemoteCallHighCardinalityKeys implements KeyName {

		/** The daemon's libvirt URI. */
		ENDPOINT {
			@Override
			public String asString() {
				return "endpoint";
			}
		}

	}

}
