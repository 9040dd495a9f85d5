/**
 * Internal: public only for the driver's own packages and modules; not API, and changes
 * without notice.
 */
@NullMarked
package io.github.qemuembed.driver.internal.core;

import org.jspecify.annotations.NullMarked;
