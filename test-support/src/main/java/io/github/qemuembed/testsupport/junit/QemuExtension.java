package io.github.qemuembed.testsupport.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The JUnit Jupiter extension behind {@link QemuTest}.
 * <p>
 * State lives in the extension context stores, keyed by the context's unique id, never in
 * fields of this class: one instance may serve many classes running in parallel.
 * <ul>
 * <li>The driver: opened in the class context ({@link DriverScope#PER_CLASS}, shared with
 * {@code @Nested} classes) or in each method context ({@link DriverScope#PER_METHOD}),
 * closed and deleted at the end of that context.
 * <li>VMs: a {@link VmScope} per class context (static {@link TestVm} fields, and
 * instance fields under {@code @TestInstance(PER_CLASS)}) and per method context
 * (instance fields, parameters), destroyed in {@code afterEach}/{@code afterAll}, which
 * JUnit runs also when the test or its set-up failed or timed out.
 * <li>Failures of tests and lifecycle methods get a {@link VmDiagnostics} (console and
 * QEMU log of every VM the test could see) as a suppressed exception.
 * </ul>
 */
public class QemuExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
		ParameterResolver, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(QemuExtension.class);

	private static final String DRIVER = "driver";

	private static final String OWN_DRIVER = "own-driver:";

	private static final String VMS = "vms:";

	private static final String CLASS_INSTANCE = "class-instance:";

	@Override
	public void beforeAll(ExtensionContext context) {
		QemuTest settings = settings(context);
		Class<?> testClass = context.getRequiredTestClass();
		List<Field> staticFields = vmFields(testClass, true);
		if (settings.driverScope() == DriverScope.PER_METHOD) {
			if (!staticFields.isEmpty()) {
				throw new ExtensionConfigurationException("@TestVm on static field " + staticFields.get(0)
						+ " needs a driver for the whole class, but " + testClass.getSimpleName()
						+ " has @QemuTest(driverScope = PER_METHOD): make the field non-static");
			}
			return;
		}
		VmScope scope = classScope(context);
		startAndInject(scope, staticFields, null);
		if (context.getTestInstanceLifecycle().orElse(null) == TestInstance.Lifecycle.PER_CLASS) {
			Object instance = context.getRequiredTestInstance();
			startAndInject(scope, vmFields(instance.getClass(), false), instance);
			// Its fields belong to the class; beforeEach (of this or of a @Nested class)
			// must leave them alone.
			context.getStore(NAMESPACE).put(CLASS_INSTANCE + context.getUniqueId(), instance);
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		QemuTest settings = settings(context);
		if (settings.driverScope() == DriverScope.PER_METHOD) {
			ExtensionContext.Store store = context.getStore(NAMESPACE);
			DriverHolder holder = DriverHolder.open(settings);
			store.put(DRIVER, holder);
			store.put(OWN_DRIVER + context.getUniqueId(), holder);
		}
		VmScope scope = methodScope(context);
		for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
			if (!isClassInstance(context, instance)) {
				startAndInject(scope, vmFields(instance.getClass(), false), instance);
			}
		}
	}

	/**
	 * Whether a class context (this one's or an enclosing one's) injected the instance in
	 * beforeAll.
	 */
	private static boolean isClassInstance(ExtensionContext context, Object instance) {
		for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
			if (c.get().getStore(NAMESPACE).get(CLASS_INSTANCE + c.get().getUniqueId()) == instance) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		closeOwned(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		closeOwned(context);
	}

	/**
	 * Destroys the context's VMs, then closes the driver it opened (if it did), whatever
	 * fails.
	 */
	private void closeOwned(ExtensionContext context) {
		ExtensionContext.Store store = context.getStore(NAMESPACE);
		RuntimeException failure = null;
		VmScope scope = store.remove(VMS + context.getUniqueId(), VmScope.class);
		if (scope != null) {
			try {
				scope.close();
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		DriverHolder holder = store.remove(OWN_DRIVER + context.getUniqueId(), DriverHolder.class);
		if (holder != null) {
			store.remove(DRIVER);
			try {
				holder.close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		if (type == QemuDriver.class || type == QemuSandbox.class) {
			return true;
		}
		return parameterContext.isAnnotated(TestVm.class) && (type == GuestVm.class || type == Domain.class);
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Parameter parameter = parameterContext.getParameter();
		VmScope scope = currentScope(extensionContext);
		if (parameter.getType() == QemuDriver.class) {
			return scope.holder().driver();
		}
		if (parameter.getType() == QemuSandbox.class) {
			return new QemuSandbox(scope);
		}
		TestVm annotation = parameterContext.findAnnotation(TestVm.class).orElseThrow();
		String name = annotation.name().isEmpty() ? parameterName(parameter, parameterContext.getIndex())
				: annotation.name();
		GuestVmSpec spec = GuestVmSpec.of(name, annotation,
				xmlResource(annotation, parameter.getDeclaringExecutable().getDeclaringClass()));
		GuestVm vm = scope.start(spec);
		return (parameter.getType() == Domain.class) ? vm.domain() : vm;
	}

	@Override
	public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
		throw withDiagnostics(context, throwable);
	}

	@Override
	public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		throw withDiagnostics(context, throwable);
	}

	@Override
	public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		throw withDiagnostics(context, throwable);
	}

	@Override
	public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		throw withDiagnostics(context, throwable);
	}

	@Override
	public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
		throw withDiagnostics(context, throwable);
	}

	private static Throwable withDiagnostics(ExtensionContext context, Throwable throwable) {
		List<GuestVm> visible = new ArrayList<>();
		for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
			VmScope scope = c.get().getStore(NAMESPACE).get(VMS + c.get().getUniqueId(), VmScope.class);
			if (scope != null) {
				visible.addAll(scope.vms());
			}
		}
		VmDiagnostics.attach(throwable, visible);
		return throwable;
	}

	/**
	 * The scope VMs of this context go to: the method's inside a test method, else the
	 * class's.
	 */
	private static VmScope currentScope(ExtensionContext context) {
		return context.getTestMethod().isPresent() ? methodScope(context) : classScope(context);
	}

	private static VmScope classScope(ExtensionContext context) {
		ExtensionContext.Store store = context.getStore(NAMESPACE);
		return store.computeIfAbsent(VMS + context.getUniqueId(), (key) -> new VmScope(classDriver(context)),
				VmScope.class);
	}

	private static VmScope methodScope(ExtensionContext context) {
		ExtensionContext.Store store = context.getStore(NAMESPACE);
		return store.computeIfAbsent(VMS + context.getUniqueId(), (key) -> {
			DriverHolder holder = store.get(DRIVER, DriverHolder.class);
			return new VmScope((holder != null) ? holder : classDriver(context));
		}, VmScope.class);
	}

	/**
	 * The class-wide driver: the one an enclosing class opened, or a new one owned by the
	 * class context (created lazily, since with {@code @TestInstance(PER_CLASS)} the
	 * constructor may need it before {@code beforeAll}).
	 */
	private static DriverHolder classDriver(ExtensionContext context) {
		ExtensionContext classContext = context;
		while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
			classContext = classContext.getParent().get();
		}
		QemuTest settings = settings(classContext);
		if (settings.driverScope() == DriverScope.PER_METHOD) {
			throw new ExtensionConfigurationException(classContext.getRequiredTestClass().getSimpleName()
					+ " has @QemuTest(driverScope = PER_METHOD): its driver and VMs exist only inside test methods");
		}
		ExtensionContext.Store store = classContext.getStore(NAMESPACE);
		synchronized (QemuExtension.class) {
			DriverHolder holder = store.get(DRIVER, DriverHolder.class);
			if (holder == null) {
				holder = DriverHolder.open(settings);
				store.put(DRIVER, holder);
				store.put(OWN_DRIVER + classContext.getUniqueId(), holder);
			}
			return holder;
		}
	}

	private static void startAndInject(VmScope scope, List<Field> fields, Object instance) {
		if (fields.isEmpty()) {
			return;
		}
		List<GuestVmSpec> specs = new ArrayList<>();
		for (Field field : fields) {
			checkFieldType(field);
			TestVm annotation = field.getAnnotation(TestVm.class);
			String name = annotation.name().isEmpty() ? field.getName() : annotation.name();
			specs.add(GuestVmSpec.of(name, annotation, xmlResource(annotation, field.getDeclaringClass())));
		}
		List<GuestVm> vms = scope.startAll(specs);
		for (int i = 0; i < fields.size(); i++) {
			Field field = fields.get(i);
			GuestVm vm = vms.get(i);
			try {
				field.setAccessible(true);
				field.set(instance, (field.getType() == Domain.class) ? vm.domain() : vm);
			}
			catch (IllegalAccessException ex) {
				throw new ExtensionConfigurationException("cannot set @TestVm field " + field, ex);
			}
		}
	}

	private static void checkFieldType(Field field) {
		if (field.getType() != GuestVm.class && field.getType() != Domain.class) {
			throw new ExtensionConfigurationException("@TestVm field " + field + " must be of type GuestVm or Domain");
		}
		if (Modifier.isFinal(field.getModifiers())) {
			throw new ExtensionConfigurationException("@TestVm field " + field + " must not be final");
		}
	}

	private static List<Field> vmFields(Class<?> type, boolean isStatic) {
		return AnnotationSupport.findAnnotatedFields(type, TestVm.class,
				(field) -> Modifier.isStatic(field.getModifiers()) == isStatic, HierarchyTraversalMode.TOP_DOWN);
	}

	private static String xmlResource(TestVm annotation, Class<?> owner) {
		if (annotation.xml().isEmpty()) {
			return null;
		}
		try (InputStream in = owner.getResourceAsStream(annotation.xml())) {
			if (in == null) {
				throw new ExtensionConfigurationException(
						"@TestVm(xml = \"" + annotation.xml() + "\"): no such resource relative to " + owner.getName());
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + annotation.xml(), ex);
		}
	}

	private static String parameterName(Parameter parameter, int index) {
		if (parameter.isNamePresent()) {
			return parameter.getName();
		}
		throw new ParameterResolutionException(
				"@TestVm parameter " + index + " of " + parameter.getDeclaringExecutable().getName()
						+ " needs a name: set @TestVm(name = ...) or compile " + "with -parameters");
	}

	/**
	 * {@link QemuTest} on the test class or, for {@code @Nested} classes, an enclosing
	 * one.
	 */
	private static QemuTest settings(ExtensionContext context) {
		for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getEnclosingClass()) {
			Optional<QemuTest> found = AnnotationSupport.findAnnotation(type, QemuTest.class);
			if (found.isPresent()) {
				return found.get();
			}
		}
		// Registered with @ExtendWith or @RegisterExtension alone: the defaults of
		// @QemuTest.
		return Defaults.class.getAnnotation(QemuTest.class);
	}

	@QemuTest
	private static final class Defaults {

	}

}
