package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * One Hyper-V enlightenment of {@code <features><hyperv>}: {@code <relaxed state='on'/>},
 * {@code <spinlocks state='on' retries='8191'/>},
 * {@code <vendor_id state='on' value='KVM Hv'/>},
 * {@code <stimer state='on'><direct state='on'/></stimer>}, ...
 *
 * @param name the element name
 * @param on its {@code state}
 * @param value {@code retries} of spinlocks, {@code value} of vendor_id
 * @param direct {@code <direct state>} of stimer
 */
public record HypervFeature(String name, boolean on, Optional<String> value, Optional<Boolean> direct) {
}
