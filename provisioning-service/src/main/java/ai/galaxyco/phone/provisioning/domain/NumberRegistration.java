package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.domain.Backoff;
import ai.galaxyco.phone.model.values.MessagingState;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional.TxType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The messaging state of a dedicated number (whether carriers take its messages) and every transition of it:
 * <pre>
 *   bought local, campaign configured ─► PENDING_REGISTRATION ──order completed──► SENDABLE
 *                                         ▲   │ order failed: retried with backoff (state kept, reason shown)
 *                                         │   ▼
 *                                         └── (new order)
 *   SENDABLE or UNREGISTERED ──21717 from SignalWire──► PENDING_REGISTRATION (a new order)   [no campaign: stays, reason set]
 *   bought local, no campaign ─► UNREGISTERED (sends as is; carriers may refuse it)
 *   bought toll-free ─► VERIFICATION_PENDING ──operator marks it verified──► SENDABLE
 * </pre>
 * Every change of state is published with the number's assignment, so outbound holds or releases its messages.
 * Calls to SignalWire are {@link RegistrationWorker}'s; this class only decides, inside the caller's transaction.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class NumberRegistration {

    static final String NO_CAMPAIGN = "no 10DLC campaign is configured (SIGNALWIRE_CAMPAIGN_ID): the number sends "
            + "unregistered and carriers may refuse its messages";
    static final String TOLL_FREE = "toll-free verification is pending (a form in SignalWire's dashboard, 3-5 business "
            + "days); an operator marks it verified with POST /api/admin/numbers/{e164}/verification";

    private final ProvisioningConfig config;
    private final AssignmentEvents events;
    private final Clock clock;
    private final MeterRegistry registry;

    public NumberRegistration(ProvisioningConfig config, AssignmentEvents events, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.events = events;
        this.clock = clock;
        this.registry = registry;
    }

    /** The campaign numbers of this plan are assigned to, if any. */
    public Optional<String> campaignFor(Plan plan) {
        Optional<String> perPlan = plan == Plan.ENTERPRISE ? config.campaignIdEnterprise()
                : plan == Plan.PRO ? config.campaignIdPro() : Optional.empty();
        return perPlan.or(config::campaignId).filter(id -> !id.isBlank());
    }

    /**
     * Called whenever a number becomes a workspace's (purchase, adoption, re-upgrade), before its assignment is
     * published: a number that never entered registration does now; one already registered or under way stays.
     */
    public void begin(PhoneNumberRecord number, Plan plan) {
        if (PhoneNumber.parse(number.e164).isTollFree()) {
            if (number.messagingState != MessagingState.SENDABLE) {
                change(number, MessagingState.VERIFICATION_PENDING, TOLL_FREE);
            }
            return;
        }
        if (number.messagingState != MessagingState.UNREGISTERED) {
            return;
        }
        Optional<String> campaign = campaignFor(plan);
        if (campaign.isPresent()) {
            enterRegistration(number, campaign.get(), "assigning the number to 10DLC campaign " + campaign.get());
        } else {
            number.messagingReason = NO_CAMPAIGN;
        }
    }

    /** The campaign accepted the number: it may send. */
    public void completed(PhoneNumberRecord number, String assignmentId) {
        if (number.messagingState != MessagingState.PENDING_REGISTRATION) {
            return;
        }
        number.registryAssignmentId = assignmentId;
        number.registrationDueAt = null;
        change(number, MessagingState.SENDABLE, null);
        registry.counter("provisioning.registration", "outcome", "completed").increment();
        Log.infof("%s is registered in campaign %s and may send", number.e164, number.campaignId);
        publishIfActive(number);
    }

    /** The order failed (or could not be placed): a new one after a backoff; the state stays, the reason says why. */
    public void failed(PhoneNumberRecord number, String reason) {
        if (number.messagingState != MessagingState.PENDING_REGISTRATION) {
            return;
        }
        Instant now = clock.instant();
        number.registrationAttempts++;
        number.registryOrderId = null;
        number.registrationDueAt = now.plus(backoff(number.registrationAttempts));
        number.messagingReason = truncate("registration attempt " + number.registrationAttempts + " failed: " + reason
                + "; next attempt at " + number.registrationDueAt);
        registry.counter("provisioning.registration", "outcome", "failed").increment();
        Log.warnf("Registration of %s failed (attempt %d, next at %s): %s", number.e164, number.registrationAttempts,
                number.registrationDueAt, reason);
    }

    /** An order was placed: poll it after the poll interval unless its status callback comes first. */
    public void ordered(PhoneNumberRecord number, String orderId) {
        number.registryOrderId = orderId;
        number.registrationDueAt = clock.instant().plus(config.registrationPollInterval());
        number.messagingReason = "order " + orderId + " is pending at the campaign registry (assignment can take up to 24 hours)";
    }

    /** The order is still pending: look again after the poll interval. */
    public void stillPending(PhoneNumberRecord number) {
        number.registrationDueAt = clock.instant().plus(config.registrationPollInterval());
    }

    /** The order was processed (callback): look at its outcome now rather than at the next poll. */
    public void orderProcessed(PhoneNumberRecord number) {
        if (number.messagingState == MessagingState.PENDING_REGISTRATION && number.registryOrderId != null) {
            number.registrationDueAt = clock.instant();
        }
    }

    /**
     * SignalWire refused a message from the number as unregistered (21717): register it (again). Without a campaign
     * there is nothing to register it with; the reason says so.
     */
    public void refusedAsUnregistered(PhoneNumberRecord number, Plan plan, String detail) {
        if (number.messagingState == MessagingState.PENDING_REGISTRATION || number.messagingState == MessagingState.VERIFICATION_PENDING) {
            return; // already on its way (many held messages meet the same refusal)
        }
        String reason = "SignalWire refused a message as unregistered (" + detail + ")";
        Optional<String> campaign = Optional.ofNullable(number.campaignId).or(() -> campaignFor(plan));
        if (campaign.isEmpty()) {
            number.messagingReason = truncate(reason + "; " + NO_CAMPAIGN);
            registry.counter("provisioning.registration", "outcome", "refused_without_campaign").increment();
            return;
        }
        number.registrationAttempts = 0;
        number.registryAssignmentId = null;
        enterRegistration(number, campaign.get(), reason + ": registering it again with campaign " + campaign.get());
        registry.counter("provisioning.registration", "outcome", "reregistering").increment();
        publishIfActive(number);
    }

    /** An operator confirms the toll-free verification. Returns false when the number was not waiting for one. */
    public boolean verified(PhoneNumberRecord number) {
        if (number.messagingState != MessagingState.VERIFICATION_PENDING) {
            return false;
        }
        change(number, MessagingState.SENDABLE, null);
        publishIfActive(number);
        return true;
    }

    private void enterRegistration(PhoneNumberRecord number, String campaignId, String reason) {
        number.campaignId = campaignId;
        number.registryOrderId = null;
        number.registrationDueAt = clock.instant();
        change(number, MessagingState.PENDING_REGISTRATION, reason);
    }

    private void change(PhoneNumberRecord number, MessagingState state, String reason) {
        number.messagingState = state;
        number.messagingReason = truncate(reason);
        number.messagingChangedAt = clock.instant();
    }

    private void publishIfActive(PhoneNumberRecord number) {
        if (number.status == PhoneNumberRecord.Status.ACTIVE) {
            events.assignDedicated(number);
        }
    }

    Duration backoff(int attempts) {
        return new Backoff(config.registrationRetryDelay(), config.registrationMaxRetryDelay()).delay(attempts);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 1000);
    }
}
