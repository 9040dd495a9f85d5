package io.github.qemuembed.autoconfigure;

import io.github.qemuembed.driver.internal.xml.DomainXml;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The digest of a declared XML and its record in {@code <metadata>}, without QEMU.
 * {@link DeclaredDomainChangeTests} covers them with the real driver.
 */
class DeclaredXmlStampTests {

	private static final String XML = """
			<domain type='qemu'>
			  <name>web</name>
			  <uuid>6f0e8a52-3c7d-4a0e-9c59-2f1f4f6a1b10</uuid>
			  <memory unit='MiB'>64</memory>
			  <vcpu>1</vcpu>
			  <os><type arch='x86_64' machine='q35'>hvm</type></os>
			</domain>
			""";

	@Test
	void layoutAndCommentsAreNotChanges() {
		String relaid = "<!-- the web VM -->\n"
				+ XML.replace("\n  ", "\n        ").replace("unit='MiB'>64", "unit='KiB'>65536");
		assertThat(DeclaredXmlStamp.digest(relaid)).isEqualTo(DeclaredXmlStamp.digest(XML)).hasSize(64);
	}

	@Test
	void aDifferentValueIsAChange() {
		assertThat(DeclaredXmlStamp.digest(XML.replace(">64<", ">96<"))).isNotEqualTo(DeclaredXmlStamp.digest(XML));
	}

	@Test
	void theStampSurvivesTheDriversReadingAndWriting() {
		String digest = DeclaredXmlStamp.digest(XML);
		String stamped = DeclaredXmlStamp.stamped(XML, digest);
		String asTheDriverKeepsIt = DomainXml.write(DomainXml.parse(stamped), false);
		assertThat(DeclaredXmlStamp.recorded(asTheDriverKeepsIt)).hasValue(digest);
		// the stamp itself is not part of what is compared
		assertThat(DeclaredXmlStamp.digest(XML)).isEqualTo(digest);
	}

	@Test
	void theApplicationsOwnMetadataIsKept() {
		String own = XML.replace("</vcpu>",
				"</vcpu>\n  <metadata><app:owner xmlns:app='urn:example:app'>ops</app:owner></metadata>");
		String stamped = DeclaredXmlStamp.stamped(own, DeclaredXmlStamp.digest(own));
		String kept = DomainXml.write(DomainXml.parse(stamped), false);
		assertThat(kept).contains("urn:example:app").contains(">ops<");
		assertThat(DeclaredXmlStamp.recorded(kept)).hasValue(DeclaredXmlStamp.digest(own));
	}

	@Test
	void aDomainWithoutAStampRecordsNothing() {
		assertThat(DeclaredXmlStamp.recorded(XML)).isEmpty();
	}

	@Test
	void xmlThatCannotBeParsedIsLeftForTheDriverToReport() {
		String broken = "<domain><name>web</name>";
		assertThat(DeclaredXmlStamp.stamped(broken, "0".repeat(64))).isEqualTo(broken);
		assertThat(DeclaredXmlStamp.digest(broken)).hasSize(64);
	}

}
