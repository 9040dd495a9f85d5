package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * A {@code <serial>} or {@code <console>}.
 *
 * @param type pty, file, unix, tcp or null
 * @param path source path ({@code file}, {@code unix})
 * @param mode listen or connect ({@code unix}, {@code tcp})
 * @param host TCP host
 * @param service TCP port
 * @param telnet {@code <protocol type='telnet'/>} (tcp only)
 * @param target for a console: serial or virtio
 * @param port target port
 */
public record CharDevice(CharType type, Optional<String> path, Optional<SourceMode> mode, Optional<String> host,
		Optional<String> service, boolean telnet, ConsoleTarget target, Optional<Integer> port) {
}
