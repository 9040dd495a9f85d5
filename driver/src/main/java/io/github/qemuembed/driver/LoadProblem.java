package io.github.qemuembed.driver;

import java.nio.file.Path;

/**
 * A persistent definition that could not be loaded at open. The file is left on disk
 * untouched.
 *
 * @param file the definition file
 * @param message why it was not loaded (the exception's message)
 * @param error the error itself
 */
public record LoadProblem(Path file, String message, Exception error) {

}
