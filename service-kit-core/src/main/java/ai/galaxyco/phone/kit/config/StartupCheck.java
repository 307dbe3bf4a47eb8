package ai.galaxyco.phone.kit.config;

import java.util.List;

/**
 * A reason the application must not start: a missing or unsafe setting, named by the variable that fixes it. A
 * module declares one as a bean; {@link StartupChecks} runs them all first and stops start-up with every problem at
 * once, instead of the first request answering a 500 or, worse, accepting what it should refuse.
 */
public interface StartupCheck {

    /**
     * @param production whether this is the packaged application (dev and tests configure local stand-ins)
     * @return what is wrong, each naming the variable to fix; empty when nothing is
     */
    List<String> problems(boolean production);
}
