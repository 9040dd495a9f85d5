package io.github.qemuembed.it.spring;

import java.util.concurrent.CountDownLatch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application with nothing but the starter, run in its own JVM by
 * {@link SignalDuringStartIT}.
 */
@SpringBootApplication
public class SignalDuringStartApplication {

	public static void main(String[] args) throws InterruptedException {
		SpringApplication.run(SignalDuringStartApplication.class, args);
		System.out.println("application ready");
		// like a server: lives until a signal closes the context through Spring Boot's
		// shutdown hook
		new CountDownLatch(1).await();
	}

}
