package io.github.qemuembed.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that owns one small VM: declared in {@code application.yml}, started
 * with the application, listed and controlled over {@code /vms}, and shut down on Ctrl-C.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
