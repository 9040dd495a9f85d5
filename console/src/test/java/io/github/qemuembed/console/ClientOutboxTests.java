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
	void dropsWhatDoesNotFitAndSaysHowMuchBeforeTheNextOutput() {
		ClientOutbox outbox = new ClientOutbox(100);
		assertThat(outbox.offerOutput(bytes(60))).isTrue();
		assertThat(outbox.offerOutput(bytes(50))).isFalse();
		assertThat(outbox.offerOutput(bytes(45))).isFalse();
		assertThat(outbox.queuedBytes()).isEqualTo(60);
		outbox.poll();
		assertThat(outbox.offerOutput(bytes(30))).isTrue();
		assertThat(outbox.poll()).isEqualTo(new ClientOutbox.Notice("{\"type\":\"dropped\",\"bytes\":95}"));
		assertThat(outbox.poll()).isInstanceOf(ClientOutbox.Output.class);
		assertThat(outbox.poll()).isNull();
	}

	@Test
	void saysWhatWasDroppedWhenTheQueueRunsEmptyEvenWithoutMoreOutput() {
		ClientOutbox outbox = new ClientOutbox(10);
		outbox.offerOutput(bytes(10));
		outbox.offerOutput(bytes(7));
		assertThat(outbox.isEmpty()).isFalse();
		assertThat(outbox.poll()).isInstanceOf(ClientOutbox.Output.class);
		assertThat(outbox.poll()).isEqualTo(new ClientOutbox.Notice("{\"type\":\"dropped\",\"bytes\":7}"));
		assertThat(outbox.poll()).isNull();
	}

	@Test
	void historyGoesBeforeWhatWasQueuedMeanwhile() {
		ClientOutbox outbox = new ClientOutbox(100);
		outbox.offerOutput("live".getBytes());
		outbox.prependOutput("history".getBytes());
		assertThat(new String(((ClientOutbox.Output) outbox.poll()).bytes())).isEqualTo("history");
		assertThat(new String(((ClientOutbox.Output) outbox.poll()).bytes())).isEqualTo("live");
	}

	private static byte[] bytes(int n) {
		return new byte[n];
	}

}
