package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The FriendlyName a bought number carries: {@code galaxyco:<deploymentId>:<workspaceId>}. The deployment id makes
 * reconciliation safe when several deployments (production, staging, a laptop, a restored backup) share one
 * SignalWire project: a pass only ever manages numbers of its own deployment. The older form
 * {@code galaxyco:<workspaceId>} is still read, for adoption only.
 */
@ApplicationScoped
public class NumberTags {

    /** How a FriendlyName relates to this deployment. */
    public enum Owner {
        /** Tagged for this deployment: ours to adopt, quarantine and release. */
        THIS_DEPLOYMENT,
        /** The tag of an earlier version, without a deployment: adopted when its workspace needs it, never released. */
        LEGACY,
        /** Another deployment's, or not tagged by us at all: never touched. */
        OTHER
    }

    /** What a FriendlyName says. */
    public record Tag(Owner owner, String workspaceId) {
    }

    /** SignalWire's FriendlyName holds 64 characters; an organization id takes up to 32 of them. */
    static final int MAX_DEPLOYMENT_ID = 20;

    private final String prefix;
    private final String deploymentId;

    public NumberTags(ProvisioningConfig config) {
        this.prefix = config.friendlyNamePrefix();
        this.deploymentId = config.deploymentId().filter(s -> !s.isBlank()).map(String::trim)
                .map(NumberTags::fit).orElseGet(() -> fromUrl(config.publicUrl()));
    }

    public String deploymentId() {
        return deploymentId;
    }

    /** The FriendlyName of a number bought for {@code workspaceId} by this deployment. */
    public String tagFor(String workspaceId) {
        return prefix + deploymentId + ":" + workspaceId;
    }

    /** The legacy FriendlyName of a number bought for {@code workspaceId} before deployments were told apart. */
    public String legacyTagFor(String workspaceId) {
        return prefix + workspaceId;
    }

    public Tag read(String friendlyName) {
        if (friendlyName == null || !friendlyName.startsWith(prefix)) {
            return new Tag(Owner.OTHER, null);
        }
        String rest = friendlyName.substring(prefix.length());
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            return rest.isBlank() ? new Tag(Owner.OTHER, null) : new Tag(Owner.LEGACY, rest);
        }
        String deployment = rest.substring(0, colon);
        String workspace = rest.substring(colon + 1);
        return deployment.equals(deploymentId) && !workspace.isBlank() ? new Tag(Owner.THIS_DEPLOYMENT, workspace)
                : new Tag(Owner.OTHER, workspace);
    }

    /** The default deployment id: the host of NEXT_PUBLIC_APP_URL (the gateway's public address). */
    static String fromUrl(String publicUrl) {
        String host = Optional.ofNullable(publicUrl).map(u -> {
            try {
                return URI.create(u.trim()).getHost();
            } catch (IllegalArgumentException e) {
                return null;
            }
        }).orElse(null);
        return fit(host == null || host.isBlank() ? "default" : host);
    }

    /** A deployment id usable inside a FriendlyName: no colons, and short enough (long ones keep a hash). */
    static String fit(String id) {
        String clean = id.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        if (clean.length() <= MAX_DEPLOYMENT_ID) {
            return clean;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(clean.getBytes(StandardCharsets.UTF_8));
            return clean.substring(0, MAX_DEPLOYMENT_ID - 9) + "-" + HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
