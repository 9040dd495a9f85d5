package io.github.qemuembed.sample;

import java.time.Duration;
import java.util.Map;

import io.github.qemuembed.testsupport.guest.TestGuest;
import io.github.qemuembed.testsupport.guest.TestGuestException;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * Gives the {@code demo} VM a real guest: the project's tiny test guest (Debian's cloud
 * kernel and a busybox initramfs), so that its console shows a boot and a shell and a
 * stop powers it off in about a second. The kernel is fetched once
 * ({@code apt-get download}) and the initramfs built once, into
 * {@code ~/.cache/qemu-embed}; later runs take them from there.
 * <p>
 * An {@link EnvironmentPostProcessor} because the XML names files that exist only once
 * the guest is built, so it cannot be written in {@code application.yml}. Nothing is done
 * with the {@code guestless} profile (firmware only, nothing to fetch) or when the demo's
 * XML is configured some other way.
 */
class SampleGuestEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROFILE = "guestless";

	private static final String PREFIX = "qemu.embed.domains.demo.";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.acceptsProfiles(Profiles.of(PROFILE)) || environment.containsProperty(PREFIX + "xml")
				|| environment.containsProperty(PREFIX + "inline-xml")) {
			return;
		}
		// printed, not logged: logging is not set up yet when environment post-processors
		// run
		System.out.println("qemu-embed sample: preparing the demo guest (the first run fetches Debian's cloud kernel"
				+ " with apt-get download and builds a busybox initramfs; later runs use ~/.cache/qemu-embed)...");
		long started = System.nanoTime();
		TestGuest guest;
		try {
			// the test guest's shell does not echo what is typed (its tests read only
			// output); a person typing in
			// the browser console wants to see it
			guest = TestGuest.builder().file("/root/.profile", 0644, "stty echo\n").build();
		}
		catch (TestGuestException ex) {
			throw new IllegalStateException("The sample's guest could not be prepared: " + ex.getMessage()
					+ ". Run 'dev/setup --sample' (it installs busybox-static and QEMU), or start the sample with"
					+ " --spring.profiles.active=" + PROFILE + " for a firmware-only VM that needs nothing fetched.",
					ex);
		}
		System.out.println("qemu-embed sample: demo guest ready in "
				+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms (kernel " + guest.kernel() + ")");
		// type='qemu': always TCG (software emulation), whatever qemu.embed.accel says.
		// This guest boots in a
		// few seconds under TCG, and KVM inside a VM (nested) can hang a Linux guest.
		String xml = guest.domain("demo").type("qemu").memoryMiB(128).toXml();
		environment.getPropertySources()
			.addLast(new MapPropertySource("qemuEmbedSampleGuest", Map.of(PREFIX + "inline-xml", xml)));
	}

}
