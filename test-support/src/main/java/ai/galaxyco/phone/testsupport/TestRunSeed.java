package ai.galaxyco.phone.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The seed of this test run's generated data ({@link TestNumbers}): {@code -Dtest.seed=N} repeats a run, and every
 * failing test prints the seed, so the data of a failure seen once can be had again. Loaded into every test JVM by
 * JUnit's extension auto-detection (META-INF/services; enabled in the root pom's Surefire and Failsafe settings).
 */
public class TestRunSeed implements TestWatcher {

    public static final long SEED = Long.getLong("test.seed", System.nanoTime() % 1_000_000L);

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("[test seed] " + context.getDisplayName() + " failed in a run with -Dtest.seed=" + SEED
                + " (rerun with it to draw the same test data)");
    }
}
