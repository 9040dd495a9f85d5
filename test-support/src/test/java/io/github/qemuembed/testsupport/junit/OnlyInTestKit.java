package io.github.qemuembed.testsupport.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks example classes that fail on purpose: they run only when {@code EngineTestKit}
 * sets the configuration parameter {@value #PARAMETER}, never in the build's own test
 * run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(OnlyInTestKit.Condition.class)
@interface OnlyInTestKit {

	String PARAMETER = "qemu.embed.test.examples";

	class Condition implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			return context.getConfigurationParameter(PARAMETER).filter("true"::equals).isPresent()
					? ConditionEvaluationResult.enabled("run by EngineTestKit")
					: ConditionEvaluationResult.disabled("an example for EngineTestKit only");
		}

	}

}
