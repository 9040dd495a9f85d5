package io.github.qemuembed.driver.internal.xml;

import java.util.function.Predicate;

/**
 * Plain loops for the checks that every definition runs on its (mostly empty or
 * one-element) device lists and sets: a definition is validated while the code is still
 * interpreted, and there a stream's set-up costs far more than the loop it replaces.
 */
final class Loops {

	private Loops() {
	}

	/** Whether an element passes the test. */
	static <T> boolean any(Iterable<? extends T> items, Predicate<? super T> test) {
		for (T element : items) {
			if (test.test(element)) {
				return true;
			}
		}
		return false;
	}

	/** How many elements pass the test. */
	static <T> int count(Iterable<? extends T> items, Predicate<? super T> test) {
		int count = 0;
		for (T element : items) {
			if (test.test(element)) {
				count++;
			}
		}
		return count;
	}

}
