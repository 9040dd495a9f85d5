package io.github.qemuembed.driver.architecture;

import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The driver's package layering, checked on its production classes. The API packages
 * ({@code driver}, {@code access}, {@code agent}, {@code cloudinit}, {@code error},
 * {@code observation}, {@code qmp}, {@code secondary..}) are what applications use;
 * everything else lives under {@code internal}. Inside it, from the bottom:
 * {@code fs}/{@code io} (shared utilities), {@code xml} (the domain model),
 * {@code command} (model to argv), {@code process}, {@code capabilities}, {@code rpc},
 * {@code agent}, then {@code core} (domains, lifecycle) and {@code cli} on top. See the
 * diagram in docs/architecture.md.
 */
class LayeringTests {

	private static final String DRIVER = "io.github.qemuembed.driver";

	private static final String INTERNAL = DRIVER + ".internal";

	private static final JavaClasses PRODUCTION = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
		.importPackages(DRIVER);

	private static String internal(String name) {
		return INTERNAL + "." + name + "..";
	}

	@Test
	void theDriverHasNoSpringInIt() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..")
			.because("the driver must be usable from a plain main or a plain JUnit test")
			.check(PRODUCTION);
	}

	@Test
	void productionCodeNeverReachesTestCode() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.junit..", "org.assertj..", "org.awaitility..", "org.mockito..", "com.tngtech..",
					"io.github.qemuembed.testsupport..")
			.check(PRODUCTION);
	}

	@Test
	void theDomainModelKnowsNothingOfRunningDomains() {
		noClasses().that()
			.resideInAPackage(internal("xml"))
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(internal("core"), internal("command"), internal("process"), internal("cli"),
					internal("capabilities"), internal("rpc"), internal("agent"), DRIVER + ".qmp..",
					DRIVER + ".secondary..")
			.because("XML is parsed and validated without a QEMU, a root or a secondary driver")
			.check(PRODUCTION);
	}

	@Test
	void theQmpClientKnowsNothingOfDomains() {
		noClasses().that()
			.resideInAPackage(DRIVER + ".qmp..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(internal("core"), internal("xml"), internal("command"), internal("process"),
					internal("cli"), internal("capabilities"), internal("agent"), internal("rpc"),
					DRIVER + ".secondary..")
			.orShould()
			.dependOnClassesThat()
			.resideInAPackage(DRIVER)
			.because("the QMP client is reusable on its own, like QEMU's Python QMP library")
			.check(PRODUCTION);
	}

	@Test
	void theQmpClientHasErrorsOfItsOwn() {
		noClasses().that()
			.resideInAPackage(DRIVER + ".qmp..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(DRIVER + ".error..")
			.because("the QMP client reports its own QmpError family; the driver maps it to its error codes")
			.check(PRODUCTION);
	}

	@Test
	void commandBuildingIsAPureFunction() {
		noClasses().that()
			.resideInAPackage(internal("command"))
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(internal("core"), internal("process"), internal("cli"), DRIVER + ".qmp..")
			.because("argv is built from the model and capabilities alone, and golden-tested")
			.check(PRODUCTION);
	}

	@Test
	void onlyTheEntryPointsReachTheCore() {
		noClasses().that()
			.resideOutsideOfPackages(DRIVER, internal("core"), internal("cli"))
			.should()
			.dependOnClassesThat()
			.resideInAPackage(internal("core"))
			.because("the core sits on top: lower layers never call back into it")
			.check(PRODUCTION);
	}

	@Test
	void nothingDependsOnTheCommandLine() {
		noClasses().that()
			.resideOutsideOfPackage(internal("cli"))
			.should()
			.dependOnClassesThat()
			.resideInAPackage(internal("cli"))
			.check(PRODUCTION);
	}

	@Test
	void onlySecureXmlParsesXml() {
		noClasses().that()
			.doNotHaveFullyQualifiedName(INTERNAL + ".xml.SecureXml")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName("javax.xml.parsers.DocumentBuilderFactory")
			.orShould()
			.dependOnClassesThat()
			.haveFullyQualifiedName("javax.xml.parsers.SAXParserFactory")
			.orShould()
			.dependOnClassesThat()
			.haveFullyQualifiedName("javax.xml.stream.XMLInputFactory")
			.because("one hardened parser (no DTDs, no entities, size and depth caps) reads every XML text")
			.check(PRODUCTION);
	}

	@Test
	void theApiNeverHandsOutInternalTypes() {
		classes().that()
			.resideOutsideOfPackage(INTERNAL + "..")
			.and()
			.arePublic()
			.should(exposeNoInternalTypes())
			.because("what an application can call must be documented API; internal types change without notice")
			.check(PRODUCTION);
	}

	@Test
	void everyPackageDeclaresItsNullness() {
		classes().that()
			.haveSimpleName("package-info")
			.should()
			.beAnnotatedWith("org.jspecify.annotations.NullMarked")
			.check(PRODUCTION);
		PRODUCTION.getPackage(DRIVER)
			.getSubpackagesInTree()
			.stream()
			.filter((pkg) -> !pkg.getClasses().isEmpty())
			.forEach((pkg) -> {
				if (!pkg.isAnnotatedWith("org.jspecify.annotations.NullMarked")) {
					throw new AssertionError(pkg.getName() + " has no package-info.java with @NullMarked");
				}
			});
	}

	/**
	 * Public and protected members of a public API type may not take, return or throw a
	 * type from {@code internal}.
	 */
	private static ArchCondition<JavaClass> exposeNoInternalTypes() {
		DescribedPredicate<JavaClass> isInternal = DescribedPredicate.describe("internal",
				(type) -> type.getPackageName().startsWith(INTERNAL));
		return new ArchCondition<>("expose no internal types") {

			@Override
			public void check(JavaClass type, ConditionEvents events) {
				Stream.concat(type.getMethods().stream(), type.getConstructors().stream())
					.filter(LayeringTests::isVisible)
					.forEach((member) -> {
						Stream<JavaClass> used = Stream.concat(Stream.of(member.getRawReturnType()), Stream
							.concat(member.getRawParameterTypes().stream(), member.getExceptionTypes().stream()));
						used.filter(isInternal)
							.forEach((internalType) -> events.add(SimpleConditionEvent.violated(member,
									member.getFullName() + " exposes " + internalType.getName())));
					});
			}

		};
	}

	private static boolean isVisible(JavaCodeUnit member) {
		return member.getModifiers().contains(JavaModifier.PUBLIC)
				|| member.getModifiers().contains(JavaModifier.PROTECTED);
	}

}
