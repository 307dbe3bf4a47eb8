package ai.galaxyco.phone.testsupport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Phone numbers that no other test of this run has drawn. Every test class of a module shares one JVM, one database,
 * one broker and one sandbox, so numbers drawn at random (or from a counter per class) could collide between classes
 * now and then; here there is one counter per test JVM, started at a point given by the run's seed
 * ({@link TestRunSeed#SEED}, printed with every failure), so a failing run draws the same numbers again with
 * {@code -Dtest.seed=N}.
 */
public final class TestNumbers {

    private static final AtomicLong NEXT = new AtomicLong(Math.floorMod(TestRunSeed.SEED, 1_000L));

    private TestNumbers() {
    }

    /**
     * @param prefix what every number starts with, e.g. {@code +1646555}, or {@code +18332} where the first digit after
     *               the area code must be 2-9
     * @param digits how many digits follow the prefix (the number's length is the prefix's plus these)
     * @return the next unused number with that prefix in E.164, e.g. {@code +16465550017}
     */
    public static String next(String prefix, int digits) {
        long n = NEXT.getAndIncrement();
        if (n >= Math.pow(10, digits)) {
            throw new IllegalStateException("more than " + (long) Math.pow(10, digits) + " numbers drawn with " + digits
                    + " free digits: give the prefix fewer fixed digits");
        }
        return prefix + String.format("%0" + digits + "d", n);
    }
}
