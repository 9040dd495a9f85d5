package io.github.qemuembed.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

/**
 * Runs the failure analyzers registered in {@code META-INF/spring.factories} (Boot's and
 * ours) on a startup failure, as {@code SpringApplication} does when it reports one.
 */
public final class FailureAnalysisSupport {

	private FailureAnalysisSupport() {
	}

	public static FailureAnalysis analyze(Throwable failure) {
		ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, new DefaultListableBeanFactory())
			.and(Environment.class, new StandardEnvironment());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, arguments, (type, name, ex) -> {
				// analyzers for classes not on this test's classpath (such as Spring
				// Web's) are skipped
			});
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		throw new AssertionError("No failure analyzer explains " + failure, failure);
	}

	/** Description and action as one text, as the report prints them. */
	public static String text(Throwable failure) {
		FailureAnalysis analysis = analyze(failure);
		return analysis.getDescription() + "\nAction:\n" + analysis.getAction();
	}

}
