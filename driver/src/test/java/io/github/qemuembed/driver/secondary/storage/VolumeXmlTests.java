package io.github.qemuembed.driver.secondary.storage;

import io.github.qemuembed.driver.internal.process.QemuImg;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.error.StorageException.Problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class VolumeXmlTests {

	@Test
	void readsARawVolumeWithAUnit() {
		VolumeXml.Spec spec = VolumeXml.parse("""
				<volume>
				  <name>data.img</name>
				  <capacity unit='MiB'>64</capacity>
				  <target><format type='raw'/></target>
				</volume>
				""");
		assertThat(spec)
			.isEqualTo(new VolumeXml.Spec("data.img", 64L << 20, VolumeFormat.RAW, Optional.empty(), Optional.empty()));
	}

	@Test
	void readsAnOverlayOnABackingStore() {
		VolumeXml.Spec spec = VolumeXml.parse("""
				<volume type='file'>
				  <name>vm1.qcow2</name>
				  <capacity unit='G'>2</capacity>
				  <target><format type='qcow2'/></target>
				  <backingStore>
				    <path>/srv/images/base.qcow2</path>
				    <format type='qcow2'/>
				  </backingStore>
				</volume>
				""");
		assertThat(spec).isEqualTo(new VolumeXml.Spec("vm1.qcow2", 2L << 30, VolumeFormat.QCOW2,
				Optional.of(Path.of("/srv/images/base.qcow2")), Optional.of(VolumeFormat.QCOW2)));
	}

	@Test
	void anOverlayMayTakeItsSizeFromTheBase() {
		VolumeXml.Spec spec = VolumeXml.parse("<volume><name>o</name><target><format type='qcow2'/></target>"
				+ "<backingStore><path>/b.img</path></backingStore></volume>");
		assertThat(spec.capacity()).isEqualTo(-1);
		assertThat(spec.backingFormat()).isEmpty();
	}

	@Test
	void writesTheVolumeAsLibvirtDescribesIt() {
		String xml = VolumeXml.write("vm1.qcow2", Path.of("/p/vm1.qcow2"), VolumeFormat.QCOW2,
				new QemuImg.ImageInfo("qcow2", 1073741824L, 196608L, Optional.of("/p/base.img"), Optional.of("raw")));
		assertThat(xml).isEqualTo("""
				<volume type='file'>
				  <name>vm1.qcow2</name>
				  <key>/p/vm1.qcow2</key>
				  <capacity unit='bytes'>1073741824</capacity>
				  <allocation unit='bytes'>196608</allocation>
				  <target>
				    <path>/p/vm1.qcow2</path>
				    <format type='qcow2'/>
				  </target>
				  <backingStore>
				    <path>/p/base.img</path>
				    <format type='raw'/>
				  </backingStore>
				</volume>
				""");
	}

	@Test
	void refusesWhatItCannotHonour() {
		assertRefused("<volume><name>v</name><capacity>1</capacity><target><format type='vmdk'/></target></volume>",
				Problem.UNSUPPORTED_IMAGE, "vmdk");
		assertRefused("<volume><name>v</name><capacity>1</capacity><allocation>1</allocation></volume>",
				Problem.INVALID_REQUEST, "preallocation");
		assertRefused("<volume><name>v</name><capacity>1</capacity><target><encryption/></target></volume>",
				Problem.INVALID_REQUEST, "/volume/target/encryption");
		assertRefused("<volume><name>v</name><capacity unit='parsecs'>1</capacity></volume>", Problem.INVALID_REQUEST,
				"unknown unit 'parsecs'");
		assertRefused("<volume><name>v</name><capacity>-5</capacity></volume>", Problem.INVALID_REQUEST, "negative");
		assertRefused("<volume><name>v</name><capacity unit='TiB'>99999999999</capacity></volume>",
				Problem.INVALID_REQUEST, "too large");
		assertRefused("<volume><name>v</name></volume>", Problem.INVALID_REQUEST, "/volume/capacity is missing");
		assertRefused("<volume><name>v</name><backingStore><path>/b</path></backingStore></volume>",
				Problem.INVALID_REQUEST, "must be qcow2");
		assertRefused(
				"<volume><name>v</name><target><format type='qcow2'/></target>"
						+ "<backingStore><path>b.img</path></backingStore></volume>",
				Problem.INVALID_REQUEST, "absolute");
		assertRefused("<volume><name>../../etc/passwd</name><capacity>1</capacity></volume>", Problem.INVALID_NAME,
				"invalid volume name");
		assertRefused("<volume type='block'><name>v</name><capacity>1</capacity></volume>", Problem.INVALID_REQUEST,
				"file volumes only");
	}

	private static void assertRefused(String xml, Problem problem, String message) {
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> VolumeXml.parse(xml))
			.withMessageContaining(message)
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(problem));
	}

}
