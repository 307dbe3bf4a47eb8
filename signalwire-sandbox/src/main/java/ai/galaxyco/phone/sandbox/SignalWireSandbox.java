package ai.galaxyco.phone.sandbox;

import ai.galaxyco.phone.model.signature.SignalWireSignature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of SignalWire's Compatibility API that GalaxyCo Phone uses, with the real paths, Basic auth,
 * JSON shapes and status codes: number search, purchase, list/get/update/release, and messages with
 * correctly signed status callbacks. Control endpoints under {@code /sandbox} inject faults and simulate a
 * person texting or calling one of the sandbox's numbers (a signed webhook to its SmsUrl or VoiceUrl).
 */
public final class SignalWireSandbox implements AutoCloseable {

    private static final String API = "/api/laml/2010-04-01/Accounts/";
    private static final Pattern ROUTE = Pattern.compile(
            "/api/laml/2010-04-01/Accounts/([^/]+)/(AvailablePhoneNumbers/([A-Z]{2})/(Local|TollFree)"
                    + "|IncomingPhoneNumbers|IncomingPhoneNumbers/([^/.]+)|Messages|Messages/([^/.]+)|Calls/([^/.]+)|Recordings/([^/.]+))"
                    + "(\\.json|\\.wav|\\.mp3)?");
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile SandboxSettings settings;
    private final HttpServer server;
    private final HttpClient callbacks = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
    private final Clock clock = Clock.systemUTC();
    private final Random random = new Random();

    private final Map<String, Map<String, Object>> numbers = new ConcurrentHashMap<>();
    private final Map<String, Instant> purchasedAt = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> messages = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> calls = new ConcurrentHashMap<>();
    /** Voicemails left in simulated calls: recording sid to its length in seconds. */
    private final Map<String, Integer> recordings = new ConcurrentHashMap<>();
    /** The newest {@link #MAX_RECORDED} API requests (a long-running local stack must not grow without bound). */
    private final ConcurrentLinkedDeque<RecordedRequest> requests = new ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger recorded = new java.util.concurrent.atomic.AtomicInteger();
    static final int MAX_RECORDED = 200_000;
    private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
    private final List<Map<String, String>> deliveredCallbacks = new CopyOnWriteArrayList<>();

    /** One API request as the sandbox received it, for tests to inspect. */
    public record RecordedRequest(String method, String path, Map<String, List<String>> form, Instant at) {
        public String param(String name) {
            List<String> values = form.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /**
     * An injected failure: the next {@code count} API requests whose path contains {@code pathPart} and, when
     * {@code formKey} is set, whose form parameter {@code formKey} equals {@code formValue}.
     */
    public record Fault(String pathPart, String formKey, String formValue, int status, int code, String message, boolean hang,
            boolean afterEffect, int[] count) {
        boolean matches(String path, Map<String, List<String>> form) {
            return path.contains(pathPart) && (formKey == null || List.of(formValue).equals(form.get(formKey)));
        }
    }

    private final CampaignRegistry registry;

    private SignalWireSandbox(SandboxSettings settings, HttpServer server) {
        this.settings = settings;
        this.server = server;
        this.registry = new CampaignRegistry(scheduler, callbacks, settings.signingKey(),
                e164 -> numbers.values().stream().anyMatch(n -> e164.equals(n.get("phone_number"))));
    }

    /** The Campaign Registry's orders, number assignments and delivered status callbacks (for tests). */
    public Map<String, Object> registryState() {
        return registry.state();
    }

    /** Registration (10DLC) behaviour: how long orders take, and whether unregistered senders are refused (21717). */
    public void registration(Duration orderDelay, boolean enforce) {
        registry.delay(orderDelay);
        registry.enforcing(enforce);
    }

    /**
     * Makes the sandbox close a connection idle for {@code idle} (30 s unless set), as real servers and load
     * balancers do, so clients meet connections that died in their pool. The JDK HTTP server reads this once per
     * JVM, when its first server starts: call it before the first {@link #start} (whole seconds, at least 1).
     */
    public static void closeIdleConnectionsAfter(Duration idle) {
        System.setProperty("sun.net.httpserver.idleInterval", String.valueOf(Math.max(1, idle.toSeconds())));
        // the server looks for idle connections every clock tick (10 s by default): a tenth of the timeout is close enough
        System.setProperty("sun.net.httpserver.clockTick", String.valueOf(Math.max(100, idle.toMillis() / 10)));
    }

    public static SignalWireSandbox start(int port, SandboxSettings settings) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        SignalWireSandbox sandbox = new SignalWireSandbox(settings, server);
        server.createContext("/api/laml/", sandbox::handleApi);
        server.createContext("/sandbox/", sandbox::handleControl);
        server.createContext("/api/relay/rest/", sandbox::handleRegistry);
        // enough threads that slow answers (request latency) never delay when a request is received and recorded
        server.setExecutor(Executors.newFixedThreadPool(256));
        server.start();
        return sandbox;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The value to give SIGNALWIRE_SPACE_URL so that a client talks to this sandbox. */
    public String spaceUrl() {
        return "http://127.0.0.1:" + port();
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public List<RecordedRequest> requests(String method, String pathPart) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().contains(pathPart)).toList();
    }

    /** Numbers currently owned by the project (purchased and not released). */
    public List<Map<String, Object>> ownedNumbers() {
        return List.copyOf(numbers.values());
    }

    public List<Map<String, String>> deliveredCallbacks() {
        return Collections.unmodifiableList(deliveredCallbacks);
    }

    /** Makes the next {@code count} requests whose path contains {@code pathPart} fail with {@code status}. */
    public void failNext(String pathPart, int count, int status, int code, String message) {
        failNext(pathPart, null, null, count, status, code, message);
    }

    /** Like {@link #failNext(String, int, int, int, String)}, only for requests whose form has {@code key=value}. */
    public void failNext(String pathPart, String key, String value, int count, int status, int code, String message) {
        faults.add(new Fault(pathPart, key, value, status, code, message, false, false, new int[] {count}));
    }

    /** Makes the next {@code count} matching requests hang past any sane client timeout. */
    public void hangNext(String pathPart, int count) {
        faults.add(new Fault(pathPart, null, null, 0, 0, null, true, false, new int[] {count}));
    }

    /**
     * Makes the next {@code count} requests whose form has {@code key=value} take effect (the message is sent, the number
     * bought) and then hang past any client timeout: the client that made it can die waiting, as in a crash mid-request.
     */
    public void takeEffectThenHang(String pathPart, String key, String value, int count) {
        faults.add(new Fault(pathPart, key, value, 0, 0, null, true, true, new int[] {count}));
    }

    /**
     * Makes the next {@code count} matching purchases or sends take effect and then answer {@code status} anyway:
     * an answer lost after the work was done, the ambiguous case a client must look up before it retries.
     */
    public void loseAnswerOfNext(String pathPart, int count, int status) {
        loseAnswerOfNext(pathPart, null, null, count, status);
    }

    /** Like {@link #loseAnswerOfNext(String, int, int)}, only for requests whose form has {@code key=value}. */
    public void loseAnswerOfNext(String pathPart, String key, String value, int count, int status) {
        faults.add(new Fault(pathPart, key, value, status, 20500, "Answer lost after the request took effect", false, true,
                new int[] {count}));
    }

    /** Removes an owned number behind the project's back (released in the dashboard, say). */
    public boolean removeNumber(String e164) {
        registry.forget(e164);
        return numbers.values().removeIf(n -> e164.equals(n.get("phone_number")));
    }

    /** Adds a number the project owns without going through the API, e.g. one bought outside the app. */
    public Map<String, Object> addOwnedNumber(String e164, String friendlyName) {
        registry.registeredByHand(e164);
        return createNumber(Map.of("PhoneNumber", List.of(e164), "FriendlyName", List.of(friendlyName)));
    }

    /** Adds an owned number whose SMS, voice and status webhooks point at {@code webhookBase}/sms|voice|status. */
    public Map<String, Object> addOwnedNumber(String e164, String friendlyName, String webhookBase) {
        registry.registeredByHand(e164);
        return createNumber(Map.of("PhoneNumber", List.of(e164), "FriendlyName", List.of(friendlyName),
                "SmsUrl", List.of(webhookBase + "/sms"), "VoiceUrl", List.of(webhookBase + "/voice"),
                "StatusCallback", List.of(webhookBase + "/status")));
    }

    public void reset() {
        numbers.clear();
        purchasedAt.clear();
        messages.clear();
        calls.clear();
        requests.clear();
        recorded.set(0);
        faults.clear();
        deliveredCallbacks.clear();
        registry.reset();
    }

    @Override
    public void close() {
        server.stop(0);
        scheduler.shutdownNow();
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    // ---------------------------------------------------------------- Compatibility API

    private void handleApi(HttpExchange exchange) throws IOException {
        try (exchange) {
            // stamped before the body is read: what a carrier's receive time would be, as early as this server knows it
            Instant received = clock.instant();
            String path = exchange.getRequestURI().getPath();
            Map<String, List<String>> form = parseForm(exchange);
            requests.add(new RecordedRequest(exchange.getRequestMethod(), path, form, received));
            if (recorded.incrementAndGet() > MAX_RECORDED && requests.pollFirst() != null) {
                recorded.decrementAndGet();
            }
            if (!authorised(exchange)) {
                sendJson(exchange, 401, error(20003, "Authentication failed", 401));
                return;
            }
            Matcher m = ROUTE.matcher(path);
            if (!m.matches()) {
                sendJson(exchange, 404, error(20404, "The requested resource was not found", 404));
                return;
            }
            if (!settings.projectId().equals(m.group(1))) {
                sendJson(exchange, 401, error(20003, "Authentication failed", 401));
                return;
            }
            sleep(settings.requestLatency());
            sleep(randomExtraLatency());
            Fault fault = takeFault(path, form);
            if (fault != null) {
                if (fault.hang()) {
                    if (fault.afterEffect()) {
                        takeEffect(exchange.getRequestMethod(), m, form);
                    }
                    sleep(Duration.ofSeconds(60));
                    return;
                }
                if (fault.afterEffect()) {
                    takeEffect(exchange.getRequestMethod(), m, form);
                }
                sendJson(exchange, fault.status(), error(fault.code(), fault.message(), fault.status()));
                return;
            }
            String method = exchange.getRequestMethod();
            String resource = m.group(2);
            if (resource.startsWith("AvailablePhoneNumbers") && method.equals("GET")) {
                searchNumbers(exchange, m.group(3), m.group(4), form);
            } else if (resource.equals("IncomingPhoneNumbers") && method.equals("POST")) {
                purchase(exchange, form);
            } else if (resource.equals("IncomingPhoneNumbers") && method.equals("GET")) {
                listNumbers(exchange, form);
            } else if (m.group(5) != null) {
                oneNumber(exchange, method, m.group(5), form);
            } else if (resource.equals("Messages") && method.equals("POST")) {
                sendMessage(exchange, form);
            } else if (resource.equals("Messages") && method.equals("GET")) {
                listMessages(exchange, form);
            } else if (m.group(8) != null && method.equals("GET")) {
                recording(exchange, m.group(8));
            } else if ((m.group(6) != null || m.group(7) != null) && method.equals("GET")) {
                Map<String, Object> found = m.group(6) != null ? messages.get(m.group(6)) : calls.get(m.group(7));
                if (found == null) {
                    sendJson(exchange, 404, error(20404, "The requested resource was not found", 404));
                } else {
                    sendJson(exchange, 200, found);
                }
            } else {
                sendJson(exchange, 405, error(20004, "Method not allowed", 405));
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            sendJson(exchange, 500, error(20500, "Internal server error: " + e.getMessage(), 500));
        }
    }

    /** Does what a purchase or a send does, without answering (the answer is the injected fault's). */
    private void takeEffect(String method, Matcher m, Map<String, List<String>> form) {
        if (!method.equals("POST")) {
            return;
        }
        if (m.group(2).equals("IncomingPhoneNumbers") && first(form, "PhoneNumber") != null) {
            synchronized (numbers) {
                if (numbers.values().stream().noneMatch(n -> first(form, "PhoneNumber").equals(n.get("phone_number")))) {
                    createNumber(form);
                }
            }
        } else if (m.group(2).equals("Messages")) {
            String sid = UUID.randomUUID().toString();
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("sid", sid);
            message.put("from", first(form, "From"));
            message.put("to", first(form, "To"));
            message.put("body", first(form, "Body"));
            message.put("status", "queued");
            message.put("date_created", RFC_2822.format(clock.instant()));
            messages.put(sid, message);
        }
    }

    private void searchNumbers(HttpExchange exchange, String country, String kind, Map<String, List<String>> query)
            throws IOException {
        String areaCode = first(query, "AreaCode");
        List<Map<String, Object>> available = new ArrayList<>();
        if (areaCode == null || !settings.exhaustedAreaCodes().contains(areaCode)) {
            for (int i = 0; i < 5; i++) {
                String e164 = kind.equals("TollFree") ? "+1833" + digits(7) : "+1" + (areaCode != null ? areaCode : pickAreaCode()) + exchangeCode() + digits(4);
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("friendly_name", "(" + e164.substring(2, 5) + ") " + e164.substring(5, 8) + "-" + e164.substring(8));
                n.put("phone_number", e164);
                n.put("lata", null);
                n.put("locality", null);
                n.put("rate_center", "NEW YORK");
                n.put("latitude", null);
                n.put("longitude", null);
                n.put("region", "NY");
                n.put("postal_code", null);
                n.put("iso_country", country);
                n.put("capabilities", Map.of("voice", true, "SMS", true, "MMS", true));
                n.put("beta", false);
                available.add(n);
            }
        }
        sendJson(exchange, 200, Map.of("uri", exchange.getRequestURI().toString(), "available_phone_numbers", available));
    }

    private void purchase(HttpExchange exchange, Map<String, List<String>> form) throws IOException {
        String phoneNumber = first(form, "PhoneNumber");
        if (phoneNumber == null || !phoneNumber.matches("^\\+\\d{5,17}$")) {
            sendJson(exchange, 422, error(21421, "PhoneNumber is invalid", 422));
            return;
        }
        sleep(settings.purchaseLatency());
        synchronized (numbers) {
            boolean taken = numbers.values().stream().anyMatch(n -> phoneNumber.equals(n.get("phone_number")));
            if (taken) {
                sendJson(exchange, 422, error(21422, "PhoneNumber is not available", 422));
                return;
            }
            sendJson(exchange, 201, createNumber(form));
        }
    }

    private Map<String, Object> createNumber(Map<String, List<String>> form) {
        String sid = UUID.randomUUID().toString();
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("sid", sid);
        n.put("account_sid", settings.projectId());
        n.put("account_id", settings.projectId());
        n.put("phone_number", first(form, "PhoneNumber"));
        n.put("friendly_name", first(form, "FriendlyName") != null ? first(form, "FriendlyName") : first(form, "PhoneNumber"));
        n.put("country_code", "1");
        n.put("capabilities", Map.of("voice", true, "sms", true, "mms", true, "fax", false));
        n.put("date_created", RFC_2822.format(clock.instant()));
        n.put("date_updated", RFC_2822.format(clock.instant()));
        applyUpdate(n, form);
        numbers.put(sid, n);
        purchasedAt.put(sid, clock.instant());
        return n;
    }

    private static void applyUpdate(Map<String, Object> n, Map<String, List<String>> form) {
        String[][] fields = {{"SmsUrl", "sms_url"}, {"SmsMethod", "sms_method"}, {"SmsFallbackUrl", "sms_fallback_url"},
            {"VoiceUrl", "voice_url"}, {"VoiceMethod", "voice_method"}, {"VoiceFallbackUrl", "voice_fallback_url"},
            {"StatusCallback", "status_callback"}, {"StatusCallbackMethod", "status_callback_method"},
            {"FriendlyName", "friendly_name"}};
        for (String[] f : fields) {
            String value = first(form, f[0]);
            if (value != null) {
                n.put(f[1], value);
            } else {
                n.putIfAbsent(f[1], f[1].endsWith("method") ? "POST" : null);
            }
        }
    }

    private void listNumbers(HttpExchange exchange, Map<String, List<String>> query) throws IOException {
        String friendlyName = first(query, "FriendlyName");
        String phoneNumber = first(query, "PhoneNumber");
        int pageSize = Math.min(1000, Integer.parseInt(first(query, "PageSize") != null ? first(query, "PageSize") : "50"));
        int page = Integer.parseInt(first(query, "Page") != null ? first(query, "Page") : "0");
        List<Map<String, Object>> matching = numbers.values().stream()
                .filter(n -> friendlyName == null || friendlyName.equals(n.get("friendly_name")))
                .filter(n -> phoneNumber == null || phoneNumber.equals(n.get("phone_number")))
                .sorted((a, b) -> String.valueOf(a.get("phone_number")).compareTo(String.valueOf(b.get("phone_number"))))
                .toList();
        int from = Math.min(page * pageSize, matching.size());
        int to = Math.min(from + pageSize, matching.size());
        String base = API + settings.projectId() + "/IncomingPhoneNumbers";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uri", exchange.getRequestURI().toString());
        body.put("first_page_uri", base + "?Page=0&PageSize=" + pageSize);
        body.put("next_page_uri", to < matching.size() ? base + "?Page=" + (page + 1) + "&PageSize=" + pageSize : null);
        body.put("page", page);
        body.put("page_size", pageSize);
        body.put("incoming_phone_numbers", matching.subList(from, to));
        sendJson(exchange, 200, body);
    }

    private void oneNumber(HttpExchange exchange, String method, String sid, Map<String, List<String>> form)
            throws IOException {
        Map<String, Object> n = numbers.get(sid);
        if (n == null) {
            sendJson(exchange, 404, error(20404, "The requested resource was not found", 404));
            return;
        }
        switch (method) {
            case "GET" -> sendJson(exchange, 200, n);
            case "POST" -> {
                applyUpdate(n, form);
                n.put("date_updated", RFC_2822.format(clock.instant()));
                sendJson(exchange, 200, n);
            }
            case "DELETE" -> {
                Instant bought = purchasedAt.getOrDefault(sid, Instant.EPOCH);
                if (bought.plus(settings.releaseCooldown()).isAfter(clock.instant())) {
                    sendJson(exchange, 422, error(22121, "This number was purchased too recently to release", 422));
                    return;
                }
                registry.forget(String.valueOf(n.get("phone_number")));
                numbers.remove(sid);
                purchasedAt.remove(sid);
                exchange.sendResponseHeaders(204, -1);
            }
            default -> sendJson(exchange, 405, error(20004, "Method not allowed", 405));
        }
    }

    private void sendMessage(HttpExchange exchange, Map<String, List<String>> form) throws IOException {
        String to = first(form, "To");
        String from = first(form, "From");
        String body = first(form, "Body");
        List<String> media = form.getOrDefault("MediaUrl", List.of());
        if (to == null || !to.matches("^\\+\\d{8,15}$")) {
            sendJson(exchange, 400, error(21211, "Invalid 'To' Phone Number", 400));
            return;
        }
        if (from == null || numbers.values().stream().noneMatch(n -> from.equals(n.get("phone_number")))) {
            sendJson(exchange, 400, error(21210, "'From' phone number not verified or not purchased", 400));
            return;
        }
        if ((body == null || body.isEmpty()) && media.isEmpty()) {
            sendJson(exchange, 400, error(21602, "Message body is required", 400));
            return;
        }
        if (registry.refuses(from)) {
            sendJson(exchange, 400, error(21717, "From must belong to an active campaign", 400));
            return;
        }
        String sid = UUID.randomUUID().toString();
        int segments = body == null ? 1 : Math.max(1, (int) Math.ceil(body.length() / (body.length() > 160 ? 153.0 : 160.0)));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("sid", sid);
        message.put("account_sid", settings.projectId());
        message.put("from", from);
        message.put("to", to);
        message.put("body", body);
        message.put("num_segments", String.valueOf(segments));
        message.put("num_media", String.valueOf(media.size()));
        message.put("status", "queued");
        message.put("direction", "outbound-api");
        message.put("error_code", null);
        message.put("error_message", null);
        message.put("price", null);
        message.put("price_unit", "USD");
        message.put("date_created", RFC_2822.format(clock.instant()));
        message.put("date_sent", null);
        message.put("date_updated", RFC_2822.format(clock.instant()));
        message.put("messaging_service_sid", null);
        message.put("uri", API + settings.projectId() + "/Messages/" + sid + ".json");
        message.put("subresource_uris", Map.of("media", API + settings.projectId() + "/Messages/" + sid + "/Media.json"));
        messages.put(sid, message);
        sendJson(exchange, 201, message);
        String callback = first(form, "StatusCallback");
        // MMS has no carrier receipt: it stops at sent, as the real network's do
        List<String> statuses = !media.isEmpty() ? List.of("sent")
                : settings.outOfOrderCallbacks() ? List.of("delivered", "sent") : List.of("sent", "delivered");
        // one task per message, so its callbacks leave in exactly the order chosen above; without a callback URL the
        // message still moves on (and gets its price), as a real one does
        scheduler.schedule(() -> {
            for (String status : statuses) {
                statusCallback(callback, message, status);
                sleep(settings.callbackDelay());
            }
        }, settings.callbackDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What the sandbox charges (negative, as SignalWire reports money leaving the account): per segment, or per MMS. */
    static String messagePrice(int segments, int media) {
        BigDecimal price = media > 0 ? new BigDecimal("0.02150") : new BigDecimal("0.00830").multiply(BigDecimal.valueOf(segments));
        return price.negate().toPlainString();
    }

    /** Per started minute, as voice is billed. */
    static String callPrice(int seconds) {
        return new BigDecimal("0.01000").multiply(BigDecimal.valueOf((seconds + 59) / 60)).negate().toPlainString();
    }

    /** Messages filtered as the real list is: From, To, and DateSent&gt; (a date, inclusive). */
    private void listMessages(HttpExchange exchange, Map<String, List<String>> query) throws IOException {
        String from = first(query, "From");
        String to = first(query, "To");
        String sentAfter = first(query, "DateSent>");
        List<Map<String, Object>> matching = messages.values().stream()
                .filter(m -> from == null || from.equals(m.get("from")))
                .filter(m -> to == null || to.equals(m.get("to")))
                .filter(m -> sentAfter == null || !java.time.LocalDate.ofInstant(java.time.ZonedDateTime.parse(
                        String.valueOf(m.get("date_created")), RFC_2822).toInstant(), ZoneOffset.UTC)
                        .isBefore(java.time.LocalDate.parse(sentAfter)))
                .toList();
        sendJson(exchange, 200, Map.of("uri", exchange.getRequestURI().toString(), "messages", matching));
    }

    private void statusCallback(String url, Map<String, Object> message, String status) {
        if (rank(status) > rank(String.valueOf(message.get("status")))) {
            message.put("status", status);
            message.put("price", messagePrice(Integer.parseInt(String.valueOf(message.get("num_segments"))),
                    Integer.parseInt(String.valueOf(message.get("num_media")))));
        }
        if (url == null) {
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("MessageSid", String.valueOf(message.get("sid")));
        params.put("SmsSid", String.valueOf(message.get("sid")));
        params.put("AccountSid", settings.projectId());
        params.put("From", String.valueOf(message.get("from")));
        params.put("To", String.valueOf(message.get("to")));
        params.put("MessageStatus", status);
        params.put("SmsStatus", status);
        params.put("NumSegments", String.valueOf(message.get("num_segments")));
        params.put("ApiVersion", "2010-04-01");
        postSigned(url, params);
    }

    private static int rank(String status) {
        return switch (status) {
            case "sent" -> 1;
            case "delivered", "undelivered", "failed" -> 2;
            default -> 0;
        };
    }

    // ---------------------------------------------------------------- Campaign Registry (Relay REST)

    private static final Pattern REGISTRY_ROUTE = Pattern.compile(
            "/api/relay/rest/registry/beta/(?:campaigns/([^/]+)/(orders|numbers)|orders/([^/]+)|numbers/([^/]+))");

    private void handleRegistry(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.add(new RecordedRequest(exchange.getRequestMethod(), path, Map.of(), clock.instant()));
            if (!authorised(exchange)) {
                sendJson(exchange, 401, Map.of("error", "Unauthorized"));
                return;
            }
            Matcher m = REGISTRY_ROUTE.matcher(path);
            if (!m.matches()) {
                sendJson(exchange, 404, Map.of("error", "Not Found"));
                return;
            }
            sleep(settings.requestLatency());
            Fault fault = takeFault(path, Map.of());
            if (fault != null) {
                sendJson(exchange, fault.status(), Map.of("errors", List.of(Map.of("code", String.valueOf(fault.code()),
                        "detail", fault.message(), "status", fault.status(), "title", "Injected failure"))));
                return;
            }
            String method = exchange.getRequestMethod();
            CampaignRegistry.Answer answer;
            if (m.group(2) != null && m.group(2).equals("orders") && method.equals("POST")) {
                Map<String, String> sids = new java.util.HashMap<>();
                numbers.values().forEach(n -> sids.put(String.valueOf(n.get("phone_number")), String.valueOf(n.get("sid"))));
                answer = registry.createOrder(m.group(1), readJsonBody(exchange), sids);
            } else if (m.group(2) != null && m.group(2).equals("numbers") && method.equals("GET")) {
                answer = registry.campaignNumbers(m.group(1));
            } else if (m.group(3) != null && method.equals("GET")) {
                answer = registry.order(m.group(3));
            } else if (m.group(4) != null && method.equals("DELETE")) {
                answer = registry.deleteAssignment(m.group(4));
            } else {
                answer = new CampaignRegistry.Answer(405, Map.of("error", "Method Not Allowed"));
            }
            if (answer.body() == null) {
                exchange.sendResponseHeaders(answer.status(), -1);
            } else {
                sendJson(exchange, answer.status(), answer.body());
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            sendJson(exchange, 500, Map.of("error", "Internal Server Error: " + e.getMessage()));
        }
    }

    // ---------------------------------------------------------------- control endpoints

    private void handleControl(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/sandbox/health")) {
                sendJson(exchange, 200, Map.of("status", "UP"));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST") && !path.equals("/sandbox/numbers")
                    && !path.equals("/sandbox/requests") && !path.equals("/sandbox/callbacks") && !path.equals("/sandbox/registry")) {
                sendJson(exchange, 405, Map.of("error", "use POST"));
                return;
            }
            Map<String, Object> body = readJsonBody(exchange);
            switch (path) {
                case "/sandbox/inbound-sms" -> inboundSms(exchange, body);
                case "/sandbox/inbound-call" -> inboundCall(exchange, body);
                case "/sandbox/fail-next" -> {
                    failNext(String.valueOf(body.getOrDefault("path", "")), (String) body.get("formKey"), (String) body.get("formValue"),
                            ((Number) body.getOrDefault("count", 1)).intValue(),
                            ((Number) body.getOrDefault("status", 500)).intValue(),
                            ((Number) body.getOrDefault("code", 20500)).intValue(),
                            String.valueOf(body.getOrDefault("message", "Injected failure")));
                    sendJson(exchange, 200, Map.of("ok", true));
                }
                case "/sandbox/lose-answer" -> {
                    loseAnswerOfNext(String.valueOf(body.getOrDefault("path", "")), (String) body.get("formKey"),
                            (String) body.get("formValue"), ((Number) body.getOrDefault("count", 1)).intValue(),
                            ((Number) body.getOrDefault("status", 500)).intValue());
                    sendJson(exchange, 200, Map.of("ok", true));
                }
                case "/sandbox/remove-number" -> sendJson(exchange, 200, Map.of("removed", removeNumber(required(body, "phoneNumber"))));
                case "/sandbox/add-numbers" -> {
                    @SuppressWarnings("unchecked")
                    List<Map<String, String>> many = (List<Map<String, String>>) body.getOrDefault("numbers", List.of());
                    many.forEach(n -> addOwnedNumber(n.get("phoneNumber"), n.get("friendlyName")));
                    sendJson(exchange, 201, Map.of("added", many.size()));
                }
                case "/sandbox/remove-numbers" -> {
                    @SuppressWarnings("unchecked")
                    List<String> many = (List<String>) body.getOrDefault("phoneNumbers", List.of());
                    java.util.Set<String> gone = java.util.Set.copyOf(many);
                    numbers.values().removeIf(n -> gone.contains(String.valueOf(n.get("phone_number"))));
                    sendJson(exchange, 200, Map.of("ok", true));
                }
                case "/sandbox/add-number" -> {
                    Map<String, List<String>> form = new LinkedHashMap<>();
                    form.put("PhoneNumber", List.of(required(body, "phoneNumber")));
                    form.put("FriendlyName", List.of(required(body, "friendlyName")));
                    registry.registeredByHand(required(body, "phoneNumber"));
                    for (String[] f : new String[][] {{"smsUrl", "SmsUrl"}, {"voiceUrl", "VoiceUrl"}, {"statusCallback", "StatusCallback"}}) {
                        if (body.get(f[0]) != null) {
                            form.put(f[1], List.of(body.get(f[0]).toString()));
                        }
                    }
                    sendJson(exchange, 201, createNumber(form));
                }
                case "/sandbox/settings" -> {
                    SandboxSettings s = settings;
                    if (body.containsKey("purchaseLatencyMs")) {
                        s = s.withPurchaseLatency(Duration.ofMillis(((Number) body.get("purchaseLatencyMs")).longValue()));
                    }
                    if (body.containsKey("requestLatencyMs")) {
                        s = s.withRequestLatency(Duration.ofMillis(((Number) body.get("requestLatencyMs")).longValue()),
                                Duration.ofMillis(((Number) body.getOrDefault("requestLatencySpreadMs", 0)).longValue()));
                    }
                    if (body.containsKey("releaseCooldownSeconds")) {
                        s = s.withReleaseCooldown(Duration.ofSeconds(((Number) body.get("releaseCooldownSeconds")).longValue()));
                    }
                    if (body.containsKey("outOfOrderCallbacks")) {
                        s = s.withOutOfOrderCallbacks(Boolean.TRUE.equals(body.get("outOfOrderCallbacks")));
                    }
                    if (body.containsKey("exhaustedAreaCodes")) {
                        @SuppressWarnings("unchecked")
                        List<String> codes = (List<String>) body.get("exhaustedAreaCodes");
                        s = s.withExhaustedAreaCodes(java.util.Set.copyOf(codes));
                    }
                    settings = s;
                    if (body.containsKey("registrationDelayMs")) {
                        registry.delay(Duration.ofMillis(((Number) body.get("registrationDelayMs")).longValue()));
                    }
                    if (body.containsKey("enforceRegistration")) {
                        registry.enforcing(Boolean.TRUE.equals(body.get("enforceRegistration")));
                    }
                    sendJson(exchange, 200, Map.of("ok", true));
                }
                case "/sandbox/add-recording" -> {
                    // a recording as a call would have left it, for tests of what fetches recordings
                    String recordingSid = "RE" + UUID.randomUUID().toString().replace("-", "");
                    recordings.put(recordingSid, ((Number) body.getOrDefault("seconds", 5)).intValue());
                    sendJson(exchange, 200, Map.of("recordingSid", recordingSid,
                            "recordingUrl", spaceUrl() + API + settings.projectId() + "/Recordings/" + recordingSid));
                }
                case "/sandbox/numbers" -> sendJson(exchange, 200, Map.of("numbers", ownedNumbers()));
                case "/sandbox/requests" -> sendJson(exchange, 200, Map.of("requests", requests.stream()
                        .map(r -> Map.of("method", r.method(), "path", r.path(), "form", r.form(),
                                "atMillis", r.at().toEpochMilli())).toList()));
                case "/sandbox/callbacks" -> sendJson(exchange, 200, Map.of("callbacks", deliveredCallbacks));
                case "/sandbox/registry" -> sendJson(exchange, 200, registry.state());
                case "/sandbox/fail-registration" -> {
                    registry.failNext(((Number) body.getOrDefault("count", 1)).intValue(),
                            String.valueOf(body.getOrDefault("reason", "Injected: the campaign rejected the number")),
                            (String) body.get("prefix"));
                    sendJson(exchange, 200, Map.of("ok", true));
                }
                case "/sandbox/edit-number" -> {
                    // what someone editing the number in SignalWire's dashboard does
                    Map<String, Object> n = ownedNumber(required(body, "phoneNumber"));
                    Map<String, List<String>> form = new LinkedHashMap<>();
                    for (String[] f : new String[][] {{"smsUrl", "SmsUrl"}, {"voiceUrl", "VoiceUrl"}, {"statusCallback", "StatusCallback"},
                        {"smsFallbackUrl", "SmsFallbackUrl"}, {"voiceFallbackUrl", "VoiceFallbackUrl"}}) {
                        if (body.containsKey(f[0])) {
                            form.put(f[1], List.of(String.valueOf(body.get(f[0]))));
                        }
                    }
                    applyUpdate(n, form);
                    sendJson(exchange, 200, n);
                }
                case "/sandbox/reset" -> {
                    reset();
                    sendJson(exchange, 200, Map.of("ok", true));
                }
                default -> sendJson(exchange, 404, Map.of("error", "no such sandbox endpoint"));
            }
        } catch (IllegalArgumentException e) {
            sendJson(exchange, 400, Map.of("error", e.getMessage()));
        }
    }

    /** Simulates a person texting {@code to}: posts a signed webhook to that number's SmsUrl. */
    public int simulateInboundSms(String from, String to, String body, List<String> mediaUrls) {
        Map<String, Object> number = ownedNumber(to);
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("MessageSid", sid);
        params.put("SmsSid", sid);
        params.put("AccountSid", settings.projectId());
        params.put("From", from);
        params.put("To", to);
        params.put("Body", body == null ? "" : body);
        params.put("NumMedia", String.valueOf(mediaUrls.size()));
        for (int i = 0; i < mediaUrls.size(); i++) {
            params.put("MediaUrl" + i, mediaUrls.get(i));
            params.put("MediaContentType" + i, "image/jpeg");
        }
        params.put("NumSegments", "1");
        params.put("ApiVersion", "2010-04-01");
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("sid", sid);
        message.put("account_sid", settings.projectId());
        message.put("from", from);
        message.put("to", to);
        message.put("body", body == null ? "" : body);
        message.put("num_segments", "1");
        message.put("num_media", String.valueOf(mediaUrls.size()));
        message.put("status", "received");
        message.put("direction", "inbound");
        message.put("price", messagePrice(1, mediaUrls.size()));
        message.put("price_unit", "USD");
        message.put("date_created", RFC_2822.format(clock.instant()));
        messages.put(sid, message);
        return postSigned(String.valueOf(number.get("sms_url")), params);
    }

    /** Simulates a call to {@code to}: posts a signed webhook to its VoiceUrl and returns the cXML answer. */
    public String simulateInboundCall(String from, String to) {
        return simulateInboundCall(from, to, (Integer) null).cxml();
    }

    /** A simulated call: its sid, the cXML our webhook answered with, and the answers to the verbs the sandbox followed. */
    public record SimulatedCall(String callSid, String cxml, List<String> followUps) {
    }

    /**
     * A call to {@code to} that, when {@code durationSeconds} is given, ends as completed after that long: the Call
     * resource then has its duration and price, and the number's StatusCallback gets CallStatus=completed with
     * CallDuration (at once; the sandbox does not make anyone wait out the call).
     */
    public SimulatedCall simulateInboundCall(String from, String to, Integer durationSeconds) {
        return simulateInboundCall(from, to, CallScript.endingAfter(durationSeconds));
    }

    /** A call that goes as {@code script} says (see {@link CallScript}). */
    public SimulatedCall simulateInboundCall(String from, String to, CallScript script) {
        Integer durationSeconds = script.durationSeconds();
        Map<String, Object> number = ownedNumber(to);
        String callSid = "CA" + UUID.randomUUID().toString().replace("-", "");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("CallSid", callSid);
        params.put("AccountSid", settings.projectId());
        params.put("From", from);
        params.put("To", to);
        params.put("CallStatus", "ringing");
        params.put("Direction", "inbound");
        params.put("ApiVersion", "2010-04-01");
        String answer = postSignedForBody(String.valueOf(number.get("voice_url")), params);
        List<String> followUps = script.followsVerbs() ? follow(answer, params, script) : List.of();
        if (durationSeconds != null) {
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("sid", callSid);
            call.put("account_sid", settings.projectId());
            call.put("from", from);
            call.put("to", to);
            call.put("direction", "inbound");
            call.put("status", "completed");
            call.put("duration", String.valueOf(durationSeconds));
            call.put("price", callPrice(durationSeconds));
            call.put("price_unit", "USD");
            call.put("date_created", RFC_2822.format(clock.instant()));
            calls.put(callSid, call);
            Object statusCallback = number.get("status_callback");
            if (statusCallback != null && !String.valueOf(statusCallback).isBlank()) {
                Map<String, String> ended = new LinkedHashMap<>(params);
                ended.put("CallStatus", "completed");
                ended.put("CallDuration", String.valueOf(durationSeconds));
                postSigned(String.valueOf(statusCallback), ended);
            }
        }
        return new SimulatedCall(callSid, answer, followUps);
    }

    /**
     * A recording's audio, as SignalWire serves a Recording resource's media to the project's credentials: a WAV
     * (silence, at most three seconds of it, whatever the voicemail's length) that a browser can play.
     */
    private void recording(HttpExchange exchange, String sid) throws IOException {
        Integer seconds = recordings.get(sid);
        if (seconds == null) {
            sendJson(exchange, 404, error(20404, "The requested resource was not found", 404));
            return;
        }
        byte[] wav = silentWav(Math.max(1, Math.min(3, seconds)));
        exchange.getResponseHeaders().set("Content-Type", "audio/x-wav");
        exchange.sendResponseHeaders(200, wav.length);
        exchange.getResponseBody().write(wav);
    }

    /** {@code seconds} of 8 kHz 8-bit mono silence as a WAV file. */
    static byte[] silentWav(int seconds) {
        int samples = 8000 * seconds;
        var buffer = java.nio.ByteBuffer.allocate(44 + samples).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples).put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000)
                .putInt(8000).putShort((short) 1).putShort((short) 8).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples);
        for (int i = 0; i < samples; i++) {
            buffer.put((byte) 0x80); // 8-bit PCM is unsigned: 128 is silence
        }
        return buffer.array();
    }

    /**
     * How a simulated caller and the forward target behave: the forward target's answer to a {@code <Dial>} (a
     * DialCallStatus such as {@code no-answer}; null: the sandbox does not follow the answer's verbs), the seconds of
     * voicemail the caller records when offered {@code <Record>} (null or 0: they hang up instead), its transcript, and
     * the whole call's length, after which the number's StatusCallback hears {@code completed} (null: not reported).
     */
    public record CallScript(String forwardAnswer, Integer voicemailSeconds, String transcript, Integer durationSeconds) {

        static CallScript endingAfter(Integer durationSeconds) {
            return new CallScript(null, null, null, durationSeconds);
        }

        boolean followsVerbs() {
            return forwardAnswer != null || (voicemailSeconds != null && voicemailSeconds > 0);
        }
    }

    /** The first value of {@code attribute} on {@code verb} in a cXML answer, unescaped; null when absent. */
    static String attributeOf(String cxml, String verb, String attribute) {
        if (cxml == null) {
            return null;
        }
        Matcher m = Pattern.compile("<" + verb + "\\b[^>]*\\b" + attribute + "=\"([^\"]*)\"").matcher(cxml);
        if (!m.find()) {
            return null;
        }
        return m.group(1).replace("&quot;", "\"").replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    /**
     * Follows the answer's verbs as SignalWire would: a {@code <Dial action>} gets the forward target's DialCallStatus
     * and its answer is followed in turn; a {@code <Record action>} gets a recording of the scripted length, then its
     * {@code transcribeCallback} the transcript. Returns every cXML answer after the first.
     */
    private List<String> follow(String answer, Map<String, String> call, CallScript script) {
        List<String> answers = new ArrayList<>();
        String current = answer;
        String dialAction = attributeOf(current, "Dial", "action");
        if (dialAction != null && current.contains("<Dial")) {
            String status = script.forwardAnswer() == null ? "completed" : script.forwardAnswer();
            Map<String, String> dialled = new LinkedHashMap<>(call);
            dialled.put("CallStatus", "in-progress");
            dialled.put("DialCallStatus", status);
            dialled.put("DialCallSid", "CA" + UUID.randomUUID().toString().replace("-", ""));
            boolean answered = status.equals("completed") || status.equals("answered");
            dialled.put("DialCallDuration", String.valueOf(answered && script.durationSeconds() != null ? script.durationSeconds() : 0));
            current = postSignedForBody(dialAction, dialled);
            answers.add(current);
        }
        String recordAction = attributeOf(current, "Record", "action");
        if (recordAction != null && script.voicemailSeconds() != null && script.voicemailSeconds() > 0) {
            String recordingSid = "RE" + UUID.randomUUID().toString().replace("-", "");
            recordings.put(recordingSid, script.voicemailSeconds());
            Map<String, String> recorded = new LinkedHashMap<>(call);
            recorded.put("CallStatus", "in-progress");
            recorded.put("RecordingSid", recordingSid);
            recorded.put("RecordingUrl", spaceUrl() + API + settings.projectId() + "/Recordings/" + recordingSid);
            recorded.put("RecordingDuration", String.valueOf(script.voicemailSeconds()));
            answers.add(postSignedForBody(recordAction, recorded));
            String transcribeCallback = attributeOf(current, "Record", "transcribeCallback");
            if (transcribeCallback != null) {
                Map<String, String> transcribed = new LinkedHashMap<>(call);
                transcribed.put("CallStatus", "completed");
                transcribed.put("RecordingSid", recordingSid);
                transcribed.put("TranscriptionSid", "TR" + UUID.randomUUID().toString().replace("-", ""));
                transcribed.put("TranscriptionStatus", "completed");
                transcribed.put("TranscriptionText", script.transcript() != null ? script.transcript()
                        : "Hello, this is a voicemail left in the sandbox. Please call me back.");
                postSigned(transcribeCallback, transcribed);
            }
        }
        return answers;
    }

    private Map<String, Object> ownedNumber(String e164) {
        return numbers.values().stream().filter(n -> e164.equals(n.get("phone_number"))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the sandbox owns no number " + e164));
    }

    private void inboundSms(HttpExchange exchange, Map<String, Object> body) throws IOException {
        @SuppressWarnings("unchecked")
        List<String> media = (List<String>) body.getOrDefault("mediaUrls", List.of());
        int status = simulateInboundSms(required(body, "from"), required(body, "to"), (String) body.get("body"), media);
        sendJson(exchange, 200, Map.of("webhookStatus", status));
    }

    private void inboundCall(HttpExchange exchange, Map<String, Object> body) throws IOException {
        Integer duration = body.get("durationSeconds") == null ? null : ((Number) body.get("durationSeconds")).intValue();
        Integer voicemail = body.get("voicemailSeconds") == null ? null : ((Number) body.get("voicemailSeconds")).intValue();
        SimulatedCall call = simulateInboundCall(required(body, "from"), required(body, "to"),
                new CallScript((String) body.get("forwardAnswer"), voicemail, (String) body.get("transcript"), duration));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("callSid", call.callSid());
        answer.put("cxml", call.cxml());
        answer.put("followUps", call.followUps());
        sendJson(exchange, 200, answer);
    }

    // ---------------------------------------------------------------- signed webhooks

    private int postSigned(String url, Map<String, String> params) {
        HttpResponse<String> response = post(url, params);
        return response == null ? 0 : response.statusCode();
    }

    private String postSignedForBody(String url, Map<String, String> params) {
        HttpResponse<String> response = post(url, params);
        return response == null ? null : response.body();
    }

    private HttpResponse<String> post(String url, Map<String, String> params) {
        if (url == null || url.equals("null") || url.isBlank()) {
            throw new IllegalArgumentException("the number has no webhook URL configured");
        }
        String signature = SignalWireSignature.formSignature(settings.signingKey(), url, List.copyOf(params.entrySet()));
        StringBuilder form = new StringBuilder();
        params.forEach((k, v) -> form.append(form.isEmpty() ? "" : "&").append(encode(k)).append('=').append(encode(v)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-SignalWire-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        try {
            HttpResponse<String> response = callbacks.send(request, HttpResponse.BodyHandlers.ofString());
            Map<String, String> delivered = new LinkedHashMap<>(params);
            delivered.put("_url", url);
            delivered.put("_status", String.valueOf(response.statusCode()));
            deliveredCallbacks.add(delivered);
            return response;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ---------------------------------------------------------------- helpers

    private boolean authorised(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (settings.projectId() + ":" + settings.token()).getBytes(StandardCharsets.UTF_8));
        return expected.equals(header);
    }

    private Fault takeFault(String path, Map<String, List<String>> form) {
        for (Fault fault : faults) {
            if (fault.matches(path, form)) {
                synchronized (fault) {
                    if (fault.count()[0] > 0) {
                        if (--fault.count()[0] == 0) {
                            faults.remove(fault);
                        }
                        return fault;
                    }
                }
            }
        }
        return null;
    }

    private static Map<String, List<String>> parseForm(HttpExchange exchange) throws IOException {
        Map<String, List<String>> form = new LinkedHashMap<>();
        addPairs(form, exchange.getRequestURI().getRawQuery());
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            try (InputStream in = exchange.getRequestBody()) {
                addPairs(form, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void addPairs(Map<String, List<String>> form, String raw) {
        if (raw == null || raw.isEmpty()) {
            return;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJsonBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? Map.of() : JSON.readValue(bytes, Map.class);
        }
    }

    private static String required(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value.toString();
    }

    private static String first(Map<String, List<String>> form, String key) {
        List<String> values = form.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Map<String, Object> error(int code, String message, int status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("more_info", "https://developer.signalwire.com/compatibility-api/reference/error-codes");
        body.put("status", status);
        return body;
    }

    private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private Duration randomExtraLatency() {
        long spread = settings.requestLatencySpread().toMillis();
        return spread <= 0 ? Duration.ZERO : Duration.ofMillis(random.nextInt((int) Math.min(spread, Integer.MAX_VALUE) + 1));
    }

    private String pickAreaCode() {
        String[] codes = {"212", "415", "646", "312", "617", "305"};
        return codes[random.nextInt(codes.length)];
    }

    private String exchangeCode() {
        return String.valueOf(200 + random.nextInt(800));
    }

    private String digits(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(random.nextInt(10));
        }
        return sb.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void sleep(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
