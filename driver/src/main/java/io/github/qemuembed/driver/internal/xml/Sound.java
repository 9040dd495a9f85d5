package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <sound model='ich9|ich6|ac97'/>}: an HD Audio controller with a duplex codec, or
 * AC'97. Its audio backend is {@code <audio id='1'>} when given, else the one libvirt
 * adds: SPICE's with SPICE graphics, none otherwise.
 */
public record Sound(String model, Optional<PciAddress> address) {

	public Sound withAddress(PciAddress address) {
		return new Sound(this.model, Optional.of(address));
	}

}
