package io.github.qemuembed.benchmarks.embed;

import java.io.IOException;

import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Recorder;
import io.github.qemuembed.benchmarks.Repeat;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;

/**
 * One launch on qemu-embed, for scenario {@code launch}: {@code define} then
 * {@code start} until the domain is RUNNING ({@code time}), with {@code define} and
 * {@code start} also reported on their own. One driver serves every launch; each domain
 * is destroyed and undefined after its timing.
 */
public final class EmbedLaunch implements Repeat.Iteration, AutoCloseable {

	private final BenchmarkContext context;

	private final QemuDriver driver;

	private int launches;

	private EmbedLaunch(BenchmarkContext context, QemuDriver driver) {
		this.context = context;
		this.driver = driver;
	}

	public static EmbedLaunch open(BenchmarkContext context) throws IOException {
		return new EmbedLaunch(context, Embedded.open(context, context.newDirectory("qeel")));
	}

	@Override
	public void run(Recorder recorder) throws Exception {
		String xml = Embedded.guestlessXml(this.context, "launch" + this.launches++);
		long start = System.nanoTime();
		Domain domain = this.driver.define(xml);
		long defined = recorder.lap("define", start);
		try {
			domain.start();
			Embedded.awaitState(domain, DomainState.RUNNING);
			recorder.lap("start", defined);
			recorder.lap("time", start);
		}
		finally {
			if (domain.status().isActive()) {
				domain.destroy();
			}
			domain.undefine();
		}
	}

	@Override
	public void close() throws Exception {
		Embedded.destroyAllAndClose(this.driver);
	}

}
