package io.github.qemuembed.driver.xml;

/** {@code <loader readonly='yes' type='pflash'>PATH</loader>}: firmware (UEFI/OVMF code, or a BIOS ROM). */
public record Loader(String path, boolean readonly, LoaderType type) {
}
