package io.github.qemuembed.driver.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The driver's package layering, checked on its production classes. The layers, from the
 * bottom: {@code error}/{@code access}/{@code fs}/{@code io} (shared vocabulary),
 * {@code xml} (the domain model), {@code qmp} (a reusable QMP client), {@code command}
 * (model to argv), {@code process}, {@code capabilities}, {@code secondary}, then
 * {@code core} (domains, lifecycle) and {@code cli} on top. See docs/driver.md.
 */
class LayeringTests {

	private static final String DRIVER = "io.github.qemuembed.driver";

	private static final JavaClasses PRODUCTION = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
		.importPackages(DRIVER);

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
			.resideInAnyPackage("org.junit..", "org.assertj..", "org.awaitility..", "org.mockito..")
			.check(PRODUCTION);
	}

	@Test
	void theDomainModelKnowsNothingOfRunningDomains() {
		noClasses().that()
			.resideInAPackage(DRIVER + ".xml..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(DRIVER + ".core..", DRIVER + ".command..", DRIVER + ".process..", DRIVER + ".qmp..",
					DRIVER + ".cli..", DRIVER + ".secondary..", DRIVER + ".capabilities..")
			.because("XML is parsed and validated without a QEMU, a root or a secondary driver")
			.check(PRODUCTION);
	}

	@Test
	void theQmpClientKnowsNothingOfDomains() {
		noClasses().that()
			.resideInAPackage(DRIVER + ".qmp..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(DRIVER + ".core..", DRIVER + ".xml..", DRIVER + ".command..", DRIVER + ".process..",
					DRIVER + ".cli..", DRIVER + ".secondary..", DRIVER + ".capabilities..")
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
			.resideInAPackage(DRIVER + ".command..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(DRIVER + ".core..", DRIVER + ".process..", DRIVER + ".qmp..", DRIVER + ".cli..")
			.because("argv is built from the model and capabilities alone, and golden-tested")
			.check(PRODUCTION);
	}

	@Test
	void onlyTheEntryPointsReachTheCore() {
		noClasses().that()
			.resideOutsideOfPackages(DRIVER, DRIVER + ".core..", DRIVER + ".cli..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(DRIVER + ".core..")
			.because("the core sits on top: lower layers never call back into it")
			.check(PRODUCTION);
	}

	@Test
	void nothingDependsOnTheCommandLine() {
		noClasses().that()
			.resideOutsideOfPackage(DRIVER + ".cli..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(DRIVER + ".cli..")
			.check(PRODUCTION);
	}

}
