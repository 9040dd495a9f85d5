package io.github.qemuembed.console;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientOutboxTests {

	@Test
	void keepsOutputAndNoticesInOrder() {
		ClientOutbox outbox = new ClientOutbox(100);
		outbox.offerOutput(bytes(10));
		outbox.offerNotice("{\"type\":\"attached\"}");
		outbox.offerOutput(bytes(20));
		assertThat(outbox.poll()).isInstanceOfSatisfying(ClientOutbox.Output.class,
				(o) -> assertThat(o.bytes()).hasSize(10));
		assertThat(outbox.poll()).isEqualTo(new ClientOutbox.Notice("{\"type\":\"attached\"}"));
		assertThat(outbox.poll()).isInstanceOfSatisfying(ClientOutbox.Output.class,
				(o) -> assertThat(o.bytes()).hasSize(20));
		assertThat(outbox.poll()).isNull();
		assertThat(outbox.isEmpty()).isTrue();
	}

	@Test
	void overflowsWhenOutputDoesNotFitForgetsTheOutputItHeldAndTakesNoMore() {
		ClientOutbox outbox = new ClientOutbox(100);
		assertThat(outbox.offerOutput(bytes(60))).isTrue();
		outbox.offerNotice("{\"type\":\"attached\"}");
		assertThat(outbox.hasOverflowed()).isFalse();
		assertThat(outbox.offerOutput(bytes(50))).isFalse();
		assertThat(outbox.hasOverflowed()).isTrue();
		assertThat(outbox.queuedBytes()).isZero();
		// room again, but the browser is being disconnected
		assertThat(outbox.offerOutput(bytes(1))).isFalse();
		outbox.prependOutput(bytes(10));
		// notices still go: the last one says why the browser is disconnected
		outbox.offerNotice("{\"type\":\"slow\"}");
		assertThat(outbox.poll()).isEqualTo(new ClientOutbox.Notice("{\"type\":\"attached\"}"));
		assertThat(outbox.poll()).isEqualTo(new ClientOutbox.Notice("{\"type\":\"slow\"}"));
		assertThat(outbox.poll()).isNull();
		assertThat(outbox.isEmpty()).isTrue();
	}

	@Test
	void outputThatFitsExactlyIsKeptAndSentOutputMakesRoom() {
		ClientOutbox outbox = new ClientOutbox(100);
		assertThat(outbox.offerOutput(bytes(60))).isTrue();
		assertThat(outbox.offerOutput(bytes(40))).isTrue();
		assertThat(outbox.queuedBytes()).isEqualTo(100);
		outbox.poll();
		assertThat(outbox.offerOutput(bytes(60))).isTrue();
		assertThat(outbox.hasOverflowed()).isFalse();
		assertThat(outbox.queuedBytes()).isEqualTo(100);
	}

	@Test
	void historyGoesBeforeWhatWasQueuedMeanwhile() {
		ClientOutbox outbox = new ClientOutbox(100);
		outbox.offerOutput("live".getBytes());
		outbox.prependOutput("history".getBytes());
		assertThat(new String(((ClientOutbox.Output) outbox.poll()).bytes())).isEqualTo("history");
		assertThat(new String(((ClientOutbox.Output) outbox.poll()).bytes())).isEqualTo("live");
	}

	@Test
	void historyDoesNotCountAgainstTheLimit() {
		ClientOutbox outbox = new ClientOutbox(100);
		outbox.prependOutput(bytes(500));
		assertThat(outbox.offerOutput(bytes(100))).isTrue();
		assertThat(outbox.queuedBytes()).isEqualTo(100);
		assertThat(outbox.poll()).isInstanceOfSatisfying(ClientOutbox.Output.class,
				(o) -> assertThat(o.history()).isTrue());
		assertThat(outbox.queuedBytes()).isEqualTo(100);
		outbox.poll();
		assertThat(outbox.queuedBytes()).isZero();
	}

	private static byte[] bytes(int n) {
		return new byte[n];
	}

}
