package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * A virtio-scsi controller's
 * {@code <driver queues iothread cmd_per_lun max_sectors ioeventfd/>}.
 *
 * @param queues request queues ({@code num_queues})
 * @param iothread the id of the {@code <iothreads>} thread that runs the controller's I/O
 * @param cmdPerLun commands queued per LUN
 * @param maxSectors most sectors per request
 * @param ioeventfd whether guest notifications go through an eventfd
 */
public record ControllerDriver(Optional<Integer> queues, Optional<Integer> iothread, Optional<Integer> cmdPerLun,
		Optional<Integer> maxSectors, Optional<Boolean> ioeventfd) {
}
