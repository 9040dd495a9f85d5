package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/** Reads {@code <clock>} and its timers. */
final class ClockReader {

	private ClockReader() {
	}

	static ClockConfig read(XNode node) {
		ClockOffset offset = node.enumAttr("offset", ClockOffset.class, ClockOffset.UTC);
		List<ClockTimer> timers = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (XNode child : node.children("timer")) {
			String name = child.oneOf("name", null, "rtc", "pit", "hpet", "kvmclock", "hypervclock");
			if (name == null) {
				throw new InvalidConfigurationException(child.attrPath("name"),
						"attribute 'name' of <timer> is required; supported: rtc, pit, hpet, kvmclock, hypervclock");
			}
			if (!names.add(name)) {
				throw new InvalidConfigurationException(child.attrPath("name"), "timer '" + name + "' is listed twice");
			}
			Optional<String> tickpolicy = switch (name) {
				case "rtc" -> Optional.ofNullable(child.oneOf("tickpolicy", null, "catchup", "delay"));
				case "pit" -> Optional.ofNullable(child.oneOf("tickpolicy", null, "delay", "discard"));
				default -> Optional.empty();
			};
			Optional<Boolean> present = !name.equals("rtc") && !name.equals("pit")
					? Optional.of(child.yesNo("present", true)).filter((value) -> child.attr("present").isPresent())
					: Optional.empty();
			child.finish();
			timers.add(new ClockTimer(name, tickpolicy, present));
		}
		node.finish();
		return new ClockConfig(offset, timers);
	}

}
