package ai.galaxyco.phone.gateway.api;

import ai.galaxyco.phone.gateway.config.GatewayConfig;
import ai.galaxyco.phone.gateway.domain.Addresses;
import ai.galaxyco.phone.gateway.domain.InvalidWebhookException;
import ai.galaxyco.phone.gateway.domain.SignalWireRequest;
import ai.galaxyco.phone.gateway.domain.VoiceResponses;
import ai.galaxyco.phone.gateway.messaging.AssignmentView;
import ai.galaxyco.phone.gateway.messaging.EventPublisher;
import ai.galaxyco.phone.gateway.messaging.ForwardingUsageView;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.model.Topic;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.MediaItem;
import ai.galaxyco.phone.model.events.MessageStatusChanged;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.RegistryStatusChanged;
import ai.galaxyco.phone.model.signature.SignalWireSignature;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.DestinationPolicy;
import ai.galaxyco.phone.model.values.PhoneNumber;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * SignalWire's webhooks (the seed's paths). Each is verified against the public URL SignalWire called
 * (NEXT_PUBLIC_APP_URL + path + query), and answered only once its event is safe: acknowledged by the broker, or
 * in the local spool when the broker is slow or down (see {@link EventPublisher}). Calls never wait for the broker.
 */
// open to anyone: each request is verified by its SignalWire signature instead (handle())
@jakarta.annotation.security.PermitAll
@Path("/api/webhooks/signalwire")
@Consumes(MediaType.WILDCARD)
public class SignalWireWebhookResource {

    static final String BASE = "/api/webhooks/signalwire";

    private final GatewayConfig config;
    private final EventPublisher publisher;
    private final AssignmentView assignments;
    private final Clock clock;
    private final MeterRegistry registry;
    private final DestinationPolicy forwardingDestinations;
    private final ForwardingUsageView forwardingUsage;

    public SignalWireWebhookResource(GatewayConfig config, EventPublisher publisher, AssignmentView assignments,
            ForwardingUsageView forwardingUsage, Clock clock, MeterRegistry registry) {
        this.forwardingUsage = forwardingUsage;
        this.config = config;
        this.publisher = publisher;
        this.assignments = assignments;
        this.clock = clock;
        this.registry = registry;
        this.forwardingDestinations = DestinationPolicy.of(config.forwardingAllowedCountries());
    }

    @POST
    @Path("/sms")
    public CompletionStage<Response> sms(@BeanParam SignedWebhook webhook, byte[] body) {
        return sms("/sms", webhook, body);
    }

    /**
     * The SmsFallbackUrl of every number we buy: SignalWire tries it when the primary URL failed. Same signature rules,
     * same event id as the primary delivery would have had, so a message that reached both is one message.
     */
    @POST
    @Path("/fallback/sms")
    public CompletionStage<Response> fallbackSms(@BeanParam SignedWebhook webhook, byte[] body) {
        return sms("/fallback/sms", webhook, body);
    }

    /** The VoiceFallbackUrl of every number we buy (see {@link #fallbackSms}). */
    @POST
    @Path("/fallback/voice")
    public CompletionStage<Response> fallbackVoice(@BeanParam SignedWebhook webhook, byte[] body) {
        return voice("/fallback/voice", webhook, body);
    }

    private CompletionStage<Response> sms(String path, SignedWebhook webhook, byte[] body) {
        return handle("sms", path, webhook, body, request -> {
            String fromRaw = request.required("From");
            String toRaw = request.required("To");
            String sid = request.param("MessageSid") != null ? request.requiredProviderId("MessageSid")
                    : request.requiredProviderId("SmsSid");
            int numMedia = intParam(request, "NumMedia", 0);
            if (numMedia < 0 || numMedia > 10) {
                throw new InvalidWebhookException("NumMedia must be between 0 and 10");
            }
            List<MediaItem> media = new ArrayList<>();
            for (int i = 0; i < numMedia; i++) {
                String url = request.param("MediaUrl" + i);
                if (url != null) {
                    media.add(new MediaItem(url, request.param("MediaContentType" + i)));
                }
            }
            PhoneNumber to = Addresses.number("To", toRaw);
            Channel channel = Addresses.isWhatsApp(fromRaw) || Addresses.isWhatsApp(toRaw) ? Channel.WHATSAPP
                    : media.isEmpty() ? Channel.SMS : Channel.MMS;
            var event = new InboundMessage(sid, request.param("AccountSid"), Addresses.number("From", fromRaw), to,
                    request.param("Body") == null ? "" : request.param("Body"), channel, media,
                    intParam(request, "NumSegments", 1), clock.instant());
            return new Publication<>(Topics.INBOUND_MESSAGES, to.e164(), "signalwire:sms:" + sid, event,
                    WebhookResponses.cxml(WebhookResponses.EMPTY_CXML));
        });
    }

    @POST
    @Path("/voice")
    public CompletionStage<Response> voice(@BeanParam SignedWebhook webhook, byte[] body) {
        return voice("/voice", webhook, body);
    }

    private CompletionStage<Response> voice(String path, SignedWebhook webhook, byte[] body) {
        return handle("voice", path, webhook, body, request -> {
            String callSid = request.requiredProviderId("CallSid");
            PhoneNumber from = Addresses.number("From", request.required("From"));
            PhoneNumber to = Addresses.number("To", request.required("To"));
            var owner = assignments.dedicatedOwner(to);
            InboundCall.Disposition disposition;
            String cxml;
            Forward forward = owner.flatMap(assignment -> forwardOf(to, assignment)).orElse(null);
            PhoneNumber forwardTo = forward == null ? null : forward.target();
            if (forward != null) {
                disposition = InboundCall.Disposition.FORWARDED;
                cxml = VoiceResponses.dial(to, forward.target(), config.forwardRingSeconds(), forward.timeLimitSeconds(),
                        publicUrl(BASE + "/voice/dial-result"));
            } else if (owner.isPresent() || assignments.isSharedNumber(to)) {
                disposition = InboundCall.Disposition.VOICEMAIL;
                cxml = voicemailOf(owner);
            } else {
                disposition = InboundCall.Disposition.UNKNOWN_NUMBER;
                cxml = VoiceResponses.unknownNumber();
            }
            var event = new InboundCall(callSid, from, to, request.param("CallStatus"), disposition,
                    owner.map(a -> a.workspaceId()).orElse(null), forwardTo, null, null,
                    clock.instant());
            return new Publication<>(Topics.INBOUND_CALLS, to.e164(), "signalwire:call:" + callSid, event, WebhookResponses.cxml(cxml),
                    true);
        });
    }

    /** Where a call is dialled on, and for how long at most. */
    private record Forward(PhoneNumber target, int timeLimitSeconds) {
    }

    /**
     * The forward of a call to {@code called}, if it has one and may be dialled: checked as each call comes in, not
     * only when the forward was saved, so a target the platform bought since (a loop through us) or a country no longer
     * allowed is not dialled. The call may last what is left of its workspace's forwarded minutes today, at most
     * FORWARD_MAX_CALL_SECONDS; with nothing left, or a target refused, the caller reaches voicemail instead.
     */
    private Optional<Forward> forwardOf(PhoneNumber called, NumberAssignment owner) {
        PhoneNumber target = owner.forwardTo();
        if (target == null) {
            return Optional.empty();
        }
        // the countries an operator set for the workspace travel on its assignment; else the platform's
        DestinationPolicy destinations = owner.forwardingCountries() == null ? forwardingDestinations
                : DestinationPolicy.of(owner.forwardingCountries());
        String refused = assignments.dedicatedOwner(target).isPresent() || assignments.isSharedNumber(target) ? "forward_loop"
                : destinations.refusalOf(target).map(r -> r.reason().code()).orElse(null);
        long left = 60L * config.forwardDailyMinutes().of(owner.plan())
                - forwardingUsage.forwardedSeconds(owner.workspaceId(), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        if (refused == null && left <= 0) {
            refused = "forward_budget_exhausted";
        }
        if (refused != null) {
            registry.counter("gateway.forward.refused", "reason", refused).increment();
            Log.warnf("call to %s not forwarded to %s (%s): voicemail instead", called, target, refused);
            return Optional.empty();
        }
        return Optional.of(new Forward(target, (int) Math.min(config.forwardMaxCallSeconds(), left)));
    }

    /** The voicemail of a call to a number {@code owner} owns (none: the shared number), with its greeting. */
    private String voicemailOf(Optional<NumberAssignment> owner) {
        return VoiceResponses.voicemail(owner.map(NumberAssignment::voicemailGreeting).orElse(null),
                publicUrl(BASE + "/voice/recording"), publicUrl(BASE + "/voice/transcription"));
    }

    /**
     * The {@code <Dial action>} of every forward: SignalWire asks here once the forward target answered and hung up
     * ({@code completed}, {@code answered}: the call ends) or did not answer ({@code no-answer}, {@code busy},
     * {@code failed}, {@code canceled}: the caller is offered voicemail). Any other value is treated as not answered,
     * so a caller is never cut off without a way to leave a message.
     */
    @POST
    @Path("/voice/dial-result")
    public CompletionStage<Response> dialResult(@BeanParam SignedWebhook webhook, byte[] body) {
        return handle("dial-result", "/voice/dial-result", webhook, body, request -> {
            String callSid = request.requiredProviderId("CallSid");
            PhoneNumber from = Addresses.number("From", request.required("From"));
            PhoneNumber to = Addresses.number("To", request.required("To"));
            String dialStatus = request.required("DialCallStatus").strip().toLowerCase(java.util.Locale.ROOT);
            if (dialStatus.length() > 32) {
                throw new InvalidWebhookException("DialCallStatus is not a call status");
            }
            var owner = assignments.dedicatedOwner(to);
            boolean answered = dialStatus.equals("completed") || dialStatus.equals("answered");
            String cxml = answered ? VoiceResponses.hangUp() : voicemailOf(owner);
            var event = new InboundCall(callSid, from, to, request.param("CallStatus"), InboundCall.Disposition.DIAL_RESULT,
                    owner.map(NumberAssignment::workspaceId).orElse(null), null, null, null, clock.instant(), dialStatus,
                    request.param("DialCallDuration") == null ? null : intParam(request, "DialCallDuration", 0), null, null);
            return new Publication<>(Topics.INBOUND_CALLS, to.e164(), "signalwire:dial-result:" + callSid, event,
                    WebhookResponses.cxml(cxml), true);
        });
    }

    /**
     * The {@code <Record transcribeCallback>} of every voicemail: its transcript ({@code TranscriptionText}) and whether
     * transcribing worked ({@code TranscriptionStatus}). Keyed by the called number when the callback names it, else by
     * the call.
     */
    @POST
    @Path("/voice/transcription")
    public CompletionStage<Response> transcription(@BeanParam SignedWebhook webhook, byte[] body) {
        return handle("transcription", "/voice/transcription", webhook, body, request -> {
            String callSid = request.requiredProviderId("CallSid");
            request.providerId("RecordingSid");
            request.providerId("TranscriptionSid");
            PhoneNumber to = request.param("To") == null ? null : Addresses.number("To", request.param("To"));
            PhoneNumber from = request.param("From") == null ? null : Addresses.number("From", request.param("From"));
            String status = blankToNull(request.param("TranscriptionStatus"));
            String text = request.param("TranscriptionText");
            if (status == null && text == null) {
                throw new InvalidWebhookException("missing field TranscriptionStatus");
            }
            if (status != null && status.length() > 32) {
                throw new InvalidWebhookException("TranscriptionStatus is not a transcription status");
            }
            var event = new InboundCall(callSid, from, to, request.param("CallStatus"), InboundCall.Disposition.TRANSCRIPTION,
                    null, null, null, null, clock.instant(), null, null, text,
                    status == null ? "completed" : status.strip().toLowerCase(java.util.Locale.ROOT));
            return new Publication<>(Topics.INBOUND_CALLS, to != null ? to.e164() : callSid, "signalwire:transcription:" + callSid,
                    event, Response.noContent().build());
        });
    }

    @POST
    @Path("/voice/recording")
    public CompletionStage<Response> recording(@BeanParam SignedWebhook webhook, byte[] body) {
        return handle("recording", "/voice/recording", webhook, body, request -> {
            String callSid = request.requiredProviderId("CallSid");
            request.providerId("RecordingSid"); // not kept, but bounded like every provider id
            PhoneNumber to = Addresses.number("To", request.required("To"));
            var owner = assignments.dedicatedOwner(to);
            var event = new InboundCall(callSid, Addresses.number("From", request.required("From")), to, request.param("CallStatus"),
                    InboundCall.Disposition.RECORDING, owner.map(a -> a.workspaceId()).orElse(null), null,
                    request.required("RecordingUrl"), intParam(request, "RecordingDuration", 0), clock.instant());
            return new Publication<>(Topics.INBOUND_CALLS, to.e164(), "signalwire:recording:" + callSid, event,
                    WebhookResponses.cxml(VoiceResponses.recordingReceived()), true);
        });
    }

    @POST
    @Path("/status")
    public CompletionStage<Response> status(@BeanParam SignedWebhook webhook, byte[] body) {
        return handle("status", "/status", webhook, body, request -> {
            String messageSid = request.param("MessageSid") != null ? request.providerId("MessageSid") : request.providerId("SmsSid");
            if (messageSid != null) {
                String status = request.param("MessageStatus") != null ? request.param("MessageStatus") : request.required("SmsStatus");
                var event = new MessageStatusChanged(messageSid, status, blankToNull(request.param("ErrorCode")), request.param("From"),
                        request.param("To"), request.param("NumSegments") == null ? null : intParam(request, "NumSegments", 1),
                        clock.instant());
                return new Publication<>(Topics.MESSAGE_STATUS, messageSid, "signalwire:status:" + messageSid + ":" + status
                        + ":" + (event.errorCode() == null ? "" : event.errorCode()), event, Response.noContent().build());
            }
            String callSid = request.requiredProviderId("CallSid");
            String status = request.required("CallStatus");
            Integer sequence = request.param("SequenceNumber") == null ? null : intParam(request, "SequenceNumber", 0);
            var event = new CallStatusChanged(callSid, status, request.param("From"), request.param("To"),
                    request.param("CallDuration") == null ? null : intParam(request, "CallDuration", 0), sequence, clock.instant());
            return new Publication<>(Topics.CALL_STATUS, callSid, "signalwire:call-status:" + callSid + ":" + status + ":"
                    + (sequence == null ? "" : sequence), event, Response.noContent().build());
        });
    }

    /**
     * SignalWire's 10DLC status callbacks (the {@code status_callback_url} of every campaign order provisioning places):
     * a number assignment completed or failed, an order processed. JSON (or form) fields as SignalWire documents them.
     */
    @POST
    @Path("/registry")
    public CompletionStage<Response> registry(@BeanParam SignedWebhook webhook, byte[] body) {
        return handle("registry", "/registry", webhook, body, request -> {
            RegistryCallback callback = RegistryCallback.of(request);
            String category = callback.required("event_category");
            String state = callback.required("state");
            String number = callback.optional("phone_number");
            var event = new RegistryStatusChanged(category, callback.optional("event_type"), state, callback.optional("campaign_id"),
                    callback.optional("number_assignment_order_id"), callback.optional("number_assignment_id"),
                    number == null ? null : Addresses.number("phone_number", number),
                    callback.optional("failure_reason") != null ? callback.optional("failure_reason") : callback.optional("reason"),
                    callback.instant("event_at"), clock.instant());
            String subject = event.numberAssignmentId() != null ? event.numberAssignmentId() : event.key();
            return new Publication<>(Topics.REGISTRY_STATUS, event.key(), "signalwire:registry:" + category + ":" + subject + ":"
                    + state + ":" + (callback.optional("event_at") == null ? "" : callback.optional("event_at")), event,
                    Response.noContent().build());
        });
    }

    /** The fields of a 10DLC callback, from a JSON object or form parameters. */
    record RegistryCallback(SignalWireRequest request, com.fasterxml.jackson.databind.JsonNode json) {

        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        static RegistryCallback of(SignalWireRequest request) {
            if (!request.json()) {
                return new RegistryCallback(request, null);
            }
            try {
                var tree = JSON.readTree(request.rawBody());
                if (tree == null || !tree.isObject()) {
                    throw new InvalidWebhookException("the 10DLC callback body is not a JSON object");
                }
                return new RegistryCallback(request, tree);
            } catch (java.io.IOException e) {
                throw new InvalidWebhookException("the 10DLC callback body is not JSON: " + e.getMessage());
            }
        }

        String optional(String name) {
            if (json == null) {
                String value = request.param(name);
                return value == null || value.isBlank() ? null : value;
            }
            var value = json.get(name);
            return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
        }

        String required(String name) {
            String value = optional(name);
            if (value == null) {
                throw new InvalidWebhookException("missing field " + name);
            }
            return value;
        }

        java.time.Instant instant(String name) {
            String value = optional(name);
            try {
                return value == null ? null : java.time.OffsetDateTime.parse(value).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidWebhookException(name + " is not an ISO 8601 time: " + value);
            }
        }
    }

    /**
     * What a verified webhook becomes: one event and the answer to give once it is safe (in Kafka or the spool);
     * calls are answered at once, their event spooled.
     */
    record Publication<E>(Topic<E> topic, String key, String eventId, E event, Response answer, boolean answerAtOnce) {

        Publication(Topic<E> topic, String key, String eventId, E event, Response answer) {
            this(topic, key, eventId, event, answer, false);
        }

        CompletionStage<EventPublisher.Delivery> publishWith(EventPublisher publisher) {
            return publisher.publish(topic, key, eventId, event);
        }

        void publishBestEffortWith(EventPublisher publisher) {
            publisher.publishBestEffort(topic, key, eventId, event);
        }

        EventPublisher.Delivery spoolWith(EventPublisher publisher) {
            return publisher.spoolNow(topic, key, eventId, event);
        }
    }

    private CompletionStage<Response> handle(String kind, String path, SignedWebhook webhook, byte[] body,
            Function<SignalWireRequest, Publication<?>> toEvent) {
        String rawQuery = webhook.rawQuery();
        SignalWireRequest request;
        try {
            request = SignalWireRequest.parse(webhook.contentType, rawQuery, body);
        } catch (InvalidWebhookException e) {
            // unreadable bodies cannot be verified either: refuse without saying more than needed
            count(kind, "malformed");
            return done(ProblemException.response(400, "malformed_request", e.getMessage()));
        }
        String signedUrl = publicUrl(BASE + path) + (rawQuery == null ? "" : "?" + rawQuery);
        boolean valid = config.signalwireSigningKey()
                .map(key -> SignalWireSignature.isValid(key, webhook.signature(), signedUrl, request.form(), request.rawBody()))
                .orElse(false);
        if (!valid) {
            count(kind, "refused_signature");
            // the URL we expected is logged, never told: it would show a caller what to sign
            Log.debugf("SignalWire %s webhook: signature does not match %s", kind, signedUrl);
            return done(ProblemException.response(403, "invalid_signature",
                    "X-SignalWire-Signature does not match the request"));
        }
        Publication<?> publication;
        try {
            publication = toEvent.apply(request);
        } catch (InvalidWebhookException e) {
            count(kind, "invalid");
            return done(ProblemException.response(400, "invalid_request", e.getMessage()));
        }
        if (publication.answerAtOnce()) {
            return done(answerAtOnce(kind, publication));
        }
        return publication.publishWith(publisher)
                .thenApply(delivery -> {
                    count(kind, delivery == EventPublisher.Delivery.PUBLISHED ? "published" : "spooled");
                    return publication.answer();
                })
                .exceptionally(failure -> {
                    count(kind, "unavailable");
                    Log.warnf("SignalWire %s webhook neither published nor spooled, answering 503: %s", kind, failure.getMessage());
                    return ProblemException.response(503, "broker_unavailable", "try again later");
                });
    }

    /**
     * A call is answered from the local view without waiting for the broker: its event goes to the spool
     * (fsync'd, about a millisecond) and the drainer publishes it. With the spool full the caller still gets the
     * answer and the event is published directly, best effort; so too when the spool cannot write (a full or failing
     * disk): a caller is always answered.
     */
    private Response answerAtOnce(String kind, Publication<?> publication) {
        try {
            publication.spoolWith(publisher);
            count(kind, "spooled");
        } catch (EventPublisher.SpoolRefusedException e) {
            count(kind, "unavailable");
            Log.errorf("spool refused (%s): %s event %s published without a durable copy", e.getMessage(), kind,
                    publication.eventId());
            publication.publishBestEffortWith(publisher);
        }
        return publication.answer();
    }

    private String publicUrl(String path) {
        return config.publicUrl().replaceAll("/+$", "") + path;
    }

    private void count(String kind, String outcome) {
        registry.counter("webhooks.received", "source", "signalwire-" + kind, "outcome", outcome).increment();
    }

    private static int intParam(SignalWireRequest request, String name, int fallback) {
        String value = request.param(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidWebhookException(name + " is not a number: " + value);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static CompletionStage<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}
