/**
 * The access policy every driver operation passes, with libvirt's permission names.
 */
@NullMarked
package io.github.qemuembed.driver.access;

import org.jspecify.annotations.NullMarked;
