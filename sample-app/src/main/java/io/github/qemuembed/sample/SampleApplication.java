package io.github.qemuembed.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that owns one small VM: declared in {@code application.yml},
 * started with the application, listed and controlled over {@code /vms}, and shut down on
 * Ctrl-C or SIGTERM (exit status 0 after a SIGTERM: see {@link TerminationSignal}).
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		TerminationSignal.exitZeroOnSigterm();
		SpringApplication.run(SampleApplication.class, args);
	}

}
