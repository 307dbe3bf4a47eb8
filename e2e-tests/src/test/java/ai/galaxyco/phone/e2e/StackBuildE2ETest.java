package ai.galaxyco.phone.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** `./stack up` never starts jars older than the checkout: ops/test-stack-build.sh checks the rule in a temporary clone. */
class StackBuildE2ETest {

    @Test
    void theStackRebuildsExactlyWhenTheSourcesChanged() throws Exception {
        Process check = new ProcessBuilder("bash", Path.of("..", "ops", "test-stack-build.sh").toString())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        check.waitFor(5, TimeUnit.MINUTES);
        assertEquals(0, check.exitValue(), output);
    }
}
