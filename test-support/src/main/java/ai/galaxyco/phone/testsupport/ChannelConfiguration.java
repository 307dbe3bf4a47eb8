package ai.galaxyco.phone.testsupport;

import ai.galaxyco.phone.model.Topic;
import ai.galaxyco.phone.model.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Checks a service's channel configuration against the topic registry: every incoming channel reads a
 * registry topic, dead-letters to that topic's DLQ and consumes in a group of its own ({@code <service>.<channel>}). Topic names live in properties (where SmallRye reads
 * them), so this is what keeps them from drifting away from {@link Topics}.
 */
public final class ChannelConfiguration {

    private ChannelConfiguration() {
    }

    /** @return the problems found; empty when the configuration matches the registry */
    public static List<String> problems(Path applicationProperties) throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(applicationProperties)) {
            p.load(reader);
        }
        List<String> problems = new ArrayList<>();
        int incoming = 0;
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith("mp.messaging.incoming.") || !key.endsWith(".connector")) {
                continue;
            }
            incoming++;
            String channel = key.substring("mp.messaging.incoming.".length(), key.length() - ".connector".length());
            String prefix = "mp.messaging.incoming." + channel + ".";
            String topicName = p.getProperty(prefix + "topic", channel);
            Topic topic;
            try {
                topic = Topics.byName(topicName);
            } catch (IllegalArgumentException e) {
                problems.add(channel + " reads " + topicName + ", which is not in the registry");
                continue;
            }
            if (!"dead-letter-queue".equals(p.getProperty(prefix + "failure-strategy"))) {
                problems.add(channel + " has no dead-letter-queue failure strategy");
            }
            if (!topic.deadLetter().equals(p.getProperty(prefix + "dead-letter-queue.topic"))) {
                problems.add(channel + " must dead-letter to " + topic.deadLetter());
            }
            // a group per channel: a channel joining or leaving rebalances only itself (see ConsumerGroups)
            String group = p.getProperty("quarkus.application.name") + "." + channel;
            if (!group.equals(p.getProperty(prefix + "group.id"))) {
                problems.add(channel + " must consume in its own group " + group);
            }
        }
        if (incoming == 0) {
            problems.add("no incoming channels found in " + applicationProperties);
        }
        return problems;
    }
}
