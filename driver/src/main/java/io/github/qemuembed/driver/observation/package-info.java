/**
 * Hooks that let an application observe driver operations (Micrometer in the Spring Boot
 * starter).
 */
@NullMarked
package io.github.qemuembed.driver.observation;

import org.jspecify.annotations.NullMarked;
