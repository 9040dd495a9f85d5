package io.github.qemuembed.driver.access;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CallerTests {

	@Test
	void theAnonymousCallerIsNoPrincipalOfTheSameName() {
		assertThat(Caller.ANONYMOUS.anonymous()).isTrue();
		assertThat(Caller.of("anonymous").anonymous()).isFalse();
		assertThat(Caller.of("anonymous")).isNotEqualTo(Caller.ANONYMOUS);
		assertThat(new Caller("alice", Set.of("ROLE_A"))).isEqualTo(Caller.of("alice", "ROLE_A"));
	}

	@Test
	void anAnonymousCallerHasNoAuthorities() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Caller("anonymous", Set.of("ROLE_ADMIN"), true))
			.withMessageContaining("no authorities");
	}

	@Test
	void requestsSayWhichKindOfCallerAsked() {
		DomainIdentity web = new DomainIdentity("web", UUID.randomUUID());
		assertThat(AccessRequest.domain(Permission.DOMAIN_STOP, web, Optional.of(Caller.ANONYMOUS)).describe())
			.isEqualTo("domain.stop on domain 'web' for an anonymous caller");
		assertThat(AccessRequest.domain(Permission.DOMAIN_STOP, web, Optional.of(Caller.of("anonymous"))).describe())
			.isEqualTo("domain.stop on domain 'web' for 'anonymous'");
		assertThat(AccessRequest.domain(Permission.DOMAIN_STOP, web, Optional.empty()).describe())
			.isEqualTo("domain.stop on domain 'web'");
	}

}
