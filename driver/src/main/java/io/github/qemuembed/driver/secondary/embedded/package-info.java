/**
 * The embedded secret driver ({@code secret:///embed}): secrets kept under the root.
 */
@NullMarked
package io.github.qemuembed.driver.secondary.embedded;

import org.jspecify.annotations.NullMarked;
