package ai.galaxyco.phone.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.testsupport.ChannelConfiguration;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelConfigurationTest {

    @Test
    void everyIncomingChannelReadsARegistryTopicAndHasItsDeadLetterTopic() throws Exception {
        assertEquals(List.of(), ChannelConfiguration.problems(Path.of("src/main/resources/application.properties")));
    }
}
