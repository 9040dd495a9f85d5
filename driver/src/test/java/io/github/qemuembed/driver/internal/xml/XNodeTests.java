package io.github.qemuembed.driver.internal.xml;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The strict element view: what a reader did not take is refused by {@code finish()},
 * with its path and what is supported there, however the children were looked up.
 */
class XNodeTests {

	private static XNode root(String xml) {
		return new XNode(SecureXml.parseElement(xml, "r"), "/r");
	}

	@Test
	void anUnreadChildIsRefusedWithItsIndexAmongItsNamesakes() {
		XNode node = root("<r><a/><b/><a/><c/><b/></r>");
		assertThat(node.child("c")).isPresent();
		assertThat(node.child("c")).as("a second lookup finds it again").isPresent();
		assertThat(node.children("a")).extracting(XNode::path).containsExactly("/r/a[1]", "/r/a[2]");
		assertThat(node.child("x")).isEmpty();
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(node::finish)
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/r/b[1]"))
			.withMessage("/r/b[1]: element <b> is not supported in <r>; supported: <c>, <a>, <x>");
	}

	@Test
	void theIndexCountsNamesakesInTheSameNamespaceOnly() {
		XNode node = root("<r xmlns:q='urn:q'><b/><q:b/></r>");
		assertThat(node.child("b")).isPresent();
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(node::finish)
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/r/q:b[1]"))
			.withMessage("/r/q:b[1]: element <q:b> is not supported in <r>; supported: <b>");
	}

	@Test
	void aSecondElementWhereOnlyOneIsAllowedIsRefused() {
		XNode node = root("<r><a/><b/><a/></r>");
		assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(() -> node.child("a"))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/r/a[2]"))
			.withMessage("/r/a[2]: <a> may appear only once in <r>");
	}

	@Test
	void aNamespacedElementIsNotItsPlainNamesake() {
		XNode node = root("<r xmlns:q='urn:q'><q:a/><a/><q:a/></r>");
		assertThat(node.child("a")).map(XNode::path).hasValue("/r/a");
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(node::finish)
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/r/q:a[1]"));
		XNode taken = root("<r xmlns:q='urn:q'><q:a/><a/><q:a/></r>");
		assertThat(taken.namespacedChildren("urn:q", "q", "a")).extracting(XNode::path)
			.containsExactly("/r/q:a[1]", "/r/q:a[2]");
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(taken::finish)
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/r/a[1]"))
			.withMessage("/r/a[1]: element <a> is not supported in <r>; supported: <q:a>");
	}

	@Test
	void anUnreadAttributeIsRefusedNamingTheReadOnesOnce() {
		XNode node = root("<r a='1' b='2'/>");
		assertThat(node.attr("a")).hasValue("1");
		assertThat(node.attr("a")).hasValue("1");
		assertThat(node.attr("z")).isEmpty();
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(node::finish)
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/r/@b"))
			.withMessage("/r/@b: attribute 'b' of <r> is not supported; supported: a, z");
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(root("<r b='2'/>")::finish)
			.withMessage("/r/@b: attribute 'b' of <r> is not supported; supported: none");
	}

	@Test
	void textIsRefusedUnlessRead() {
		XNode node = root("<r> x <a/></r>");
		node.child("a");
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(node::finish)
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/r"))
			.withMessage("/r: <r> does not take text content");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(root("<r><![CDATA[x]]></r>")::finish);
		assertThatNoException().isThrownBy(root("<r>\n  \t</r>")::finish);
		XNode text = root("<r> a <![CDATA[b]]> </r>");
		assertThat(text.text()).isEqualTo("a b");
		assertThatNoException().isThrownBy(text::finish);
	}

	@Test
	void aRefusalExplainsAnUnreadChild() {
		XNode node = root("<r><m/></r>");
		node.refuse("m", "m is not applied; remove it");
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(node::finish)
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/r/m[1]"))
			.withMessage("/r/m[1]: m is not applied; remove it");
	}

	@Test
	void readEachReadsInDocumentOrderAndMarksThemRead() {
		XNode node = root("<r><d n='1'/><e/><d n='2'/></r>");
		List<String> paths = node.readEach("d", (child) -> {
			String value = child.requiredAttr("n");
			child.finish();
			return child.path() + "=" + value;
		});
		assertThat(paths).containsExactly("/r/d[1]=1", "/r/d[2]=2");
		assertThat(node.readEach("f", XNode::path)).isEmpty();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> paths.add("x"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(node::finish)
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/r/e[1]"))
			.withMessage("/r/e[1]: element <e> is not supported in <r>; supported: <d>, <f>");
	}

	@Test
	void takingAllElementsLeavesNothingToRefuse() {
		XNode node = root("<r xmlns:q='urn:q'><q:a/><b/></r>");
		assertThat(node.takeAllElements()).hasSize(2);
		assertThatNoException().isThrownBy(node::finish);
	}

}
