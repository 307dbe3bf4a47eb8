package ai.galaxyco.phone.e2e;

import static ai.galaxyco.phone.e2e.SeedProcedureE2ETest.activeNumber;
import static ai.galaxyco.phone.e2e.SeedProcedureE2ETest.clerk;
import static ai.galaxyco.phone.e2e.SeedProcedureE2ETest.newOrg;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.testsupport.TestTokens;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's headless Chromium through Debian's chromedriver) against the packaged
 * services: a workspace owner signs in with a Clerk session cookie, as Clerk's front end sets it, and drives the phone
 * settings page. Screenshots of each page at 1280 and 375 px land in target/screenshots (README shows the committed
 * copies in console/docs).
 */
class ConsoleBrowserE2ETest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    static RunningSystem system;
    static WebDriver browser;

    /** Without a browser there is nothing to test; with one, the running system shared by the end-to-end classes. */
    @RegisterExtension
    static final BeforeAllCallback SYSTEM = context -> {
        requireBrowser();
        system = RunningSystem.shared(context);
        SeedProcedureE2ETest.system = system; // its helpers (clerk, activeNumber) act on the same running system
    };

    static void requireBrowser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String missing = "the console's browser tests need Debian's chromium and chromium-driver "
                    + "(apt-get install chromium chromium-driver; .ci/run installs them)";
            // a build without a browser is no proof the console works: it fails, unless the developer says, out loud,
            // that the browser tests are to be skipped (.ci/run refuses every skipped test)
            if ("skip".equals(System.getProperty("browser.tests"))) {
                org.junit.jupiter.api.Assumptions.abort(missing + "; skipped by -Dbrowser.tests=skip");
            }
            throw new IllegalStateException(missing + " (or -Dbrowser.tests=skip to skip them on this machine)");
        }
    }

    @BeforeAll
    static void startBrowser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // as the machine's notes say: without the background-networking flags Chromium keeps calling Google's hosts
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory("console-chromium"), "--window-size=1280,900");
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(new File("target/e2e-logs/chromedriver.log")).build();
        browser = new ChromeDriver(driver, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    static String console(String path) {
        return system.url(RunningSystem.CONSOLE, path);
    }

    /** Signs in as Clerk's front end would: its session token in the {@code __session} cookie of the console's site. */
    static void signInAs(String org) {
        signInWith(TestTokens.forWorkspace(org));
    }

    /** As a member of {@code org}, who reads and sends but may not change its numbers. */
    static void signInAsMember(String org) {
        signInWith(TestTokens.forMember(org));
    }

    private static void signInWith(String sessionToken) {
        browser.get(console("/sign-in"));
        browser.manage().deleteAllCookies();
        browser.manage().addCookie(new Cookie("__session", sessionToken, "/"));
    }

    static WebElement numberLabelled(String label) {
        return browser.findElement(By.cssSelector("li.number[data-label='" + label + "']"));
    }

    /** Read in one script, so that the live part being replaced meanwhile cannot leave a stale element. */
    static String statusOf(String label) {
        return (String) ((JavascriptExecutor) browser).executeScript("const e = document.querySelector("
                + "\"li.number[data-label='\" + arguments[0] + \"'] [data-status]\"); return e && e.dataset.status;", label);
    }

    static String numberOf(String label) {
        return (String) ((JavascriptExecutor) browser).executeScript("const e = document.querySelector("
                + "\"li.number[data-label='\" + arguments[0] + \"']\"); return e && e.dataset.number;", label);
    }

    /** A mark in the page's JavaScript state: still there later means the page was not reloaded. */
    static void markPage() {
        ((JavascriptExecutor) browser).executeScript("window.__notReloaded = true;");
    }

    static boolean stillTheSamePage() {
        return Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript("return window.__notReloaded === true;"));
    }

    static void sandboxSettings(String json) throws Exception {
        HttpResponse<String> answer = system.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + system.sandbox.port()
                + "/sandbox/settings")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
    }

    /** The page at 1280 and 375 px, as PNGs named after it; every control on it has a label a screen reader reads. */
    static void screenshots(String name) throws Exception {
        @SuppressWarnings("unchecked")
        List<String> unlabelled = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]"
                        + ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())"
                        + ".map(e => e.outerHTML.slice(0, 120));");
        assertEquals(List.of(), unlabelled, name + " has controls without a label");
        for (int width : new int[] {1280, 375}) {
            browser.manage().window().setSize(new Dimension(width, 900));
            long height = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight;");
            browser.manage().window().setSize(new Dimension(width, (int) Math.min(Math.max(height, 600), 2400)));
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + "-" + width + ".png"), StandardCopyOption.REPLACE_EXISTING);
            // nothing wider than the screen: the page works at 375 px without sideways scrolling
            long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertTrue(overflow <= 0, name + " scrolls sideways at " + width + " px by " + overflow + " px");
        }
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @Test
    void aProWorkspaceSeesItsNumberBeingBoughtThenActiveWithoutAReload() throws Exception {
        String org = newOrg("console_pro");
        sandboxSettings("{\"purchaseLatencyMs\":4000}"); // long enough to see the purchase in progress
        try {
            assertEquals(204, clerk("msg_" + UUID.randomUUID(), "organization.created", org, "pro", System.currentTimeMillis()));
            signInAs(org);
            // the workspace reaches provisioning through Kafka: the page answers once it is known
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
                browser.get(console("/w/" + org + "/phone"));
                return !browser.findElements(By.cssSelector("li.number[data-label='Main']")).isEmpty();
            });
            assertEquals("PROVISIONING", statusOf("Main"), browser.getPageSource());
            markPage();
        } finally {
            sandboxSettings("{\"purchaseLatencyMs\":0}");
        }
        new WebDriverWait(browser, WAIT).until(b -> "ACTIVE".equals(statusOf("Main")));
        assertTrue(stillTheSamePage(), "the number turned ACTIVE on screen without a reload");
        String number = activeNumber(org);
        assertNotNull(number);
        assertEquals(number, numberOf("Main"));
        assertTrue(browser.findElement(By.id("plan")).getText().contains("Pro"));
        // the history tells what happened in words
        assertTrue(browser.findElement(By.cssSelector("table.history")).getText().contains("Got " + number),
                browser.findElement(By.cssSelector("table.history")).getText());
        screenshots("phone-pro");
    }

    @Test
    void aFailedPurchaseShowsItsReasonAndRetryGetsTheNumber() throws Exception {
        String org = newOrg("console_failed");
        system.sandbox.failNext("/AvailablePhoneNumbers", 1, 500, 20500, "Service temporarily unavailable");
        assertEquals(204, clerk("msg_" + UUID.randomUUID(), "organization.created", org, "pro", System.currentTimeMillis()));
        signInAs(org);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            browser.get(console("/w/" + org + "/phone"));
            return "FAILED".equals(statusOf("Main"));
        });
        String reason = numberLabelled("Main").findElement(By.cssSelector("[data-reason]")).getText();
        assertFalse(reason.isBlank());
        assertFalse(reason.contains("{"), "the reason is words, not JSON: " + reason);
        screenshots("phone-failed");

        numberLabelled("Main").findElement(By.id("retry-Main")).click();
        new WebDriverWait(browser, WAIT).until(b -> "ACTIVE".equals(statusOf("Main")));
        assertNotNull(activeNumber(org));
        assertEquals(activeNumber(org), numberOf("Main"));
    }

    @Test
    void anEnterpriseWorkspaceAddsASalesNumber() throws Exception {
        String org = newOrg("console_ent");
        assertEquals(204, clerk("msg_" + UUID.randomUUID(), "organization.created", org, "enterprise", System.currentTimeMillis()));
        await().atMost(WAIT).until(() -> activeNumber(org) != null);
        signInAs(org);
        browser.get(console("/w/" + org + "/phone"));
        WebElement add = browser.findElement(By.id("add-number"));
        // the form checks its fields before sending: an invalid label never leaves the browser
        add.findElement(By.name("label")).sendKeys("Sales!");
        add.findElement(By.cssSelector("button[type=submit]")).click();
        assertEquals(console("/w/" + org + "/phone"), browser.getCurrentUrl());
        assertFalse((Boolean) ((JavascriptExecutor) browser).executeScript(
                "return document.querySelector('#add-number input[name=label]').checkValidity();"));
        add.findElement(By.name("label")).clear();
        add.findElement(By.name("label")).sendKeys("Sales");
        add.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, WAIT).until(b -> "ACTIVE".equals(statusOf("Sales")));
        assertTrue(numberOf("Sales").startsWith("+1"));
        assertEquals("ACTIVE", statusOf("Main"));
        // a second Sales is refused by the API, and the page says why in words (on a settled page: the form is part of
        // the live list, which a refresh still in flight could replace under the typing)
        browser.get(console("/w/" + org + "/phone"));
        browser.findElement(By.id("add-number")).findElement(By.name("label")).sendKeys("sales");
        browser.findElement(By.id("add-number")).findElement(By.cssSelector("button[type=submit]")).click();
        WebElement refusal = new WebDriverWait(browser, WAIT).until(b -> b.findElements(By.id("error")).stream().findFirst()
                .orElse(null));
        assertTrue(refusal.getText().contains("already has that label"), refusal.getText());
        screenshots("phone-enterprise");

        // relabel Sales to Support and forward its calls; then release it (the page asks first)
        String sales = numberOf("Sales");
        browser.get(console("/w/" + org + "/phone"));
        WebElement edit = numberLabelled("Sales").findElement(By.cssSelector("details.edit"));
        edit.findElement(By.tagName("summary")).click();
        WebElement label = edit.findElement(By.name("label"));
        label.clear();
        label.sendKeys("Support");
        edit.findElement(By.name("forwardTo")).sendKeys("+1 (212) 555-0100");
        edit.findElement(By.cssSelector("form button[type=submit]")).click();
        new WebDriverWait(browser, WAIT).until(b -> sales.equals(numberOf("Support")));
        assertTrue(numberLabelled("Support").getText().contains("forwarded to +12125550100"), numberLabelled("Support").getText());
        WebElement support = numberLabelled("Support").findElement(By.cssSelector("details.edit"));
        support.findElement(By.tagName("summary")).click();
        support.findElement(By.cssSelector("button.danger")).click();
        browser.switchTo().alert().accept();
        new WebDriverWait(browser, WAIT).until(b -> "RELEASED".equals(statusOf("Support")));
        assertEquals("ACTIVE", statusOf("Main"));

        // a member sees the numbers without the actions, and is told why
        signInAsMember(org);
        browser.get(console("/w/" + org + "/phone"));
        assertEquals("ACTIVE", statusOf("Main"));
        assertTrue(browser.findElement(By.id("member-note")).getText().contains("Only its admins"));
        assertTrue(browser.findElements(By.id("add-number")).isEmpty(), "a member is offered Add number");
        assertTrue(browser.findElements(By.cssSelector("details.edit")).isEmpty(), "a member is offered Edit");
        // and each of the console's number-changing forms posted all the same (as a hand-made request would) is refused
        // by provisioning, in words: relabel, release, add, get a number
        String main = numberOf("Main");
        String mainPath = "/w/" + org + "/phone/numbers/" + java.net.URLEncoder.encode(main, java.nio.charset.StandardCharsets.UTF_8);
        for (String[] form : new String[][] {{mainPath, "label", "Hijacked"}, {mainPath + "/release", "label", "Main"},
                {"/w/" + org + "/phone/numbers/add", "label", "Extra"}, {"/w/" + org + "/phone/numbers/request", "label", "Main"}}) {
            browser.get(console("/w/" + org + "/phone"));
            ((JavascriptExecutor) browser).executeScript("const f = document.createElement('form'); f.method = 'post';"
                    + "f.action = arguments[0]; const l = document.createElement('input'); l.name = arguments[1];"
                    + "l.value = arguments[2]; f.appendChild(l); document.body.appendChild(f); f.submit();", form[0], form[1], form[2]);
            WebElement refused = new WebDriverWait(browser, WAIT).until(b -> b.findElements(By.id("error")).stream().findFirst()
                    .orElse(null));
            assertTrue(refused.getText().contains("Only an admin"), form[0] + ": " + refused.getText());
        }
        browser.get(console("/w/" + org + "/phone"));
        assertEquals(main, numberOf("Main"), "the member's relabel changed nothing");
        assertEquals("ACTIVE", statusOf("Main"), "the member's release changed nothing");
        assertTrue(browser.findElements(By.cssSelector("li.number[data-label='Extra']")).isEmpty(), "the member added a number");
        screenshots("phone-member");
    }

    @Test
    void aReplyWrittenOnTheConversationsPageReachesDeliveredOnScreenAndStopDisablesSending() throws Exception {
        String org = newOrg("console_conv");
        assertEquals(204, clerk("msg_" + UUID.randomUUID(), "organization.created", org, "pro", System.currentTimeMillis()));
        String number = await().atMost(WAIT).until(() -> activeNumber(org), java.util.Objects::nonNull);
        String customer = "+14155550142";
        assertEquals(200, system.sandbox.simulateInboundSms(customer, number, "Is my order on its way?", List.of()));
        signInAs(org);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.get(console("/w/" + org + "/conversations"));
            return !browser.findElements(By.cssSelector(".conversation-list a[data-contact='" + customer + "']")).isEmpty();
        });
        // the seed's "number in the Conversations page header", and an inbox tab per label
        assertTrue(browser.findElement(By.id("workspace-numbers")).findElements(By.cssSelector("[data-number='" + number + "']"))
                .size() == 1, browser.findElement(By.id("workspace-numbers")).getText());
        assertEquals(1, browser.findElements(By.cssSelector(".tabs a[data-inbox='Main']")).size());
        browser.findElement(By.cssSelector(".conversation-list a[data-contact='" + customer + "']")).click();
        new WebDriverWait(browser, WAIT).until(b -> b.findElement(By.id("thread")).getText().contains("Is my order on its way?"));
        // opening the thread (a GET) changes nothing; the page itself posts that it was read (issue 33)
        assertEquals(1, browser.findElements(By.cssSelector("form.mark-read[data-auto-submit]")).size());
        new WebDriverWait(browser, WAIT).until(b -> !b.findElement(By.cssSelector("form.mark-read")).isDisplayed());
        await().atMost(WAIT).until(() -> !RunningSystem.json(system.get("routing-service", "/api/workspaces/" + org
                + "/conversations", TestTokens.forWorkspace(org))).path("items").path(0).path("unread").asBoolean(true));
        // times in the reader's zone (issue 38): a reader in Los Angeles sees Los Angeles time, the UTC text as tooltip
        ((ChromeDriver) browser).executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "America/Los_Angeles"));
        try {
            browser.navigate().refresh();
            new WebDriverWait(browser, WAIT).until(b -> b.findElement(By.id("thread")).getText().contains("Is my order on its way?"));
            WebElement time = browser.findElement(By.cssSelector("#thread time[datetime]"));
            assertTrue(time.getAttribute("title").endsWith("UTC"), time.getAttribute("title"));
            String expected = (String) ((JavascriptExecutor) browser).executeScript("return new Intl.DateTimeFormat(undefined, "
                    + "{dateStyle: 'medium', timeStyle: 'medium', timeZone: 'America/Los_Angeles'})"
                    + ".format(new Date(arguments[0].getAttribute('datetime')));", time);
            assertEquals(expected, time.getText());
        } finally {
            ((ChromeDriver) browser).executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
        }

        // the segment counter counts as the outbound service does
        WebElement body = browser.findElement(By.id("body"));
        body.sendKeys("Yes \u00e9t\u00e9"); // é is GSM-7
        assertTrue(browser.findElement(By.id("segments")).getText().endsWith("1 segment (GSM-7)"),
                browser.findElement(By.id("segments")).getText());
        ((JavascriptExecutor) browser).executeScript("const b = document.getElementById('body'); b.value = 'x'.repeat(161);"
                + " b.dispatchEvent(new Event('input'));");
        assertEquals("161 characters · 2 segments (GSM-7)", browser.findElement(By.id("segments")).getText());
        ((JavascriptExecutor) browser).executeScript("const b = document.getElementById('body'); b.value = 'Thanks \\u{1F600}';"
                + " b.dispatchEvent(new Event('input'));");
        assertTrue(browser.findElement(By.id("segments")).getText().endsWith("1 segment (UCS-2)"),
                browser.findElement(By.id("segments")).getText());
        body.clear();
        body.sendKeys("Yes, it ships today.");
        assertEquals(number, new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("from")))
                .getFirstSelectedOption().getAttribute("value"), "the reply leaves from the number the customer wrote to");
        browser.findElement(By.id("send")).click();
        new WebDriverWait(browser, WAIT).until(b -> b.getCurrentUrl().contains("notice=sent"));
        markPage();
        new WebDriverWait(browser, WAIT).until(b -> "DELIVERED".equals(((JavascriptExecutor) b).executeScript(
                "const m = [...document.querySelectorAll('#thread li.outbound')].find(e => e.textContent.includes('it ships today'));"
                        + " return m && m.querySelector('[data-status]').dataset.status;")));
        assertTrue(stillTheSamePage(), "the status moved to DELIVERED on screen without a reload");
        screenshots("conversations");
        String conversationPage = browser.getCurrentUrl();
        // the usage page counts the reply and the customer's message, with their cost
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.get(console("/w/" + org + "/usage"));
            return browser.findElement(By.cssSelector("#usage-totals [data-figure=messagesOutbound]")).getText().equals("1")
                    && browser.findElement(By.cssSelector("#usage-totals [data-figure=messagesInbound]")).getText().equals("1");
        });
        assertFalse(browser.findElement(By.cssSelector("#usage-totals [data-figure=cost]")).getText().startsWith("$0.0000"));
        screenshots("usage");
        // the page's CSV download (issue 38): analytics' export through the console, with the session; it adds up
        assertEquals("/w/" + org + "/usage.csv", URI.create(browser.findElement(By.id("usage-csv")).getAttribute("href")).getPath());
        HttpResponse<String> csv = system.get(RunningSystem.CONSOLE, "/w/" + org + "/usage.csv", TestTokens.forWorkspace(org));
        assertEquals(200, csv.statusCode(), csv.body());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertTrue(csv.headers().firstValue("Content-Disposition").orElse("").contains("attachment"));
        List<String[]> rows = csv.body().lines().skip(1).map(line -> line.split(",", -1)).toList();
        assertEquals(1, rows.stream().mapToLong(r -> Long.parseLong(r[2])).sum(), "messages sent in the CSV");
        assertEquals(1, rows.stream().mapToLong(r -> Long.parseLong(r[3])).sum(), "messages received in the CSV");
        assertEquals(403, system.get(RunningSystem.CONSOLE, "/w/" + org + "/usage.csv", TestTokens.forWorkspace("org_other"))
                .statusCode());
        // live usage (issue 38): with the page open, a message received shows in its figures without a reload
        browser.get(console("/w/" + org + "/usage"));
        new WebDriverWait(browser, WAIT).until(b -> "true".equals(b.findElement(By.id("usage-live")).getAttribute("data-connected")));
        markPage();
        assertEquals(200, system.sandbox.simulateInboundSms(customer, number, "And the invoice?", List.of()));
        new WebDriverWait(browser, WAIT).until(b -> b.findElement(By.cssSelector("#usage-totals [data-figure=messagesInbound]"))
                .getText().equals("2"));
        assertTrue(stillTheSamePage(), "the figures changed without a reload");
        assertTrue(browser.findElement(By.id("live-state")).getText().startsWith("Live"), browser.findElement(By.id("live-state"))
                .getText());
        browser.get(conversationPage);

        // the customer writes STOP: the composer says so and will not send from that number
        assertEquals(200, system.sandbox.simulateInboundSms(customer, number, "STOP", List.of()));
        String page = browser.getCurrentUrl();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.get(page);
            return !browser.findElement(By.id("send")).isEnabled();
        });
        assertTrue(browser.findElement(By.id("opted-out")).getText().contains("opted out"),
                browser.findElement(By.id("opted-out")).getText());
    }

    /**
     * Issue 34: someone calls, hears the number's greeting (set on the phone page), leaves a voicemail; the Calls tab
     * shows it unheard with a player whose audio comes through the console, and its transcript; "Mark heard" clears it.
     */
    @Test
    void theCallsTabPlaysAVoicemailShowsItsTranscriptAndMarksItHeard() throws Exception {
        String org = newOrg("console_calls");
        assertEquals(204, clerk("msg_" + UUID.randomUUID(), "organization.created", org, "pro", System.currentTimeMillis()));
        String number = await().atMost(WAIT).until(() -> activeNumber(org), java.util.Objects::nonNull);
        signInAs(org);
        // the admin sets the greeting on the phone page
        browser.get(console("/w/" + org + "/phone"));
        browser.findElement(By.cssSelector("li.number[data-label='Main'] details.edit summary")).click();
        WebElement greeting = browser.findElement(By.cssSelector("li.number[data-label='Main'] textarea[name=voicemailGreeting]"));
        greeting.clear();
        greeting.sendKeys("You have reached the console test. Leave a message.");
        greeting.findElement(By.xpath("ancestor::form")).findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, WAIT).until(b -> b.findElement(By.cssSelector("li.number[data-label='Main'] dd.greeting")).getText()
                .equals("You have reached the console test. Leave a message."));

        var call = await().atMost(WAIT).until(() -> system.sandbox.simulateInboundCall("+14155550143", number,
                new ai.galaxyco.phone.sandbox.SignalWireSandbox.CallScript(null, 6, "Hi, it is Dana. Please call me back.", 15)),
                c -> c.cxml() != null && c.cxml().contains("the console test"));
        assertTrue(call.cxml().contains("transcribeCallback="), call.cxml());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.get(console("/w/" + org + "/calls"));
            return !browser.findElements(By.cssSelector("li.call[data-outcome=VOICEMAIL] [data-transcript]")).isEmpty()
                    && browser.findElement(By.cssSelector("li.call[data-outcome=VOICEMAIL] [data-transcript]")).getText()
                            .contains("Dana");
        });
        WebElement voicemail = browser.findElement(By.cssSelector("li.call[data-outcome=VOICEMAIL]"));
        String callId = voicemail.getAttribute("data-call");
        assertEquals("Voicemail", voicemail.findElement(By.cssSelector("[data-outcome-label]")).getText());
        assertEquals("true", voicemail.getAttribute("data-unread"));
        // what the page says of the call is on screen, not only in the DOM
        assertTrue(voicemail.findElement(By.cssSelector(".caller")).getText().contains("+14155550143"), voicemail.getText());
        assertTrue(voicemail.getText().contains(number), voicemail.getText());
        assertTrue((Boolean) ((JavascriptExecutor) browser).executeScript("const li = arguments[0];"
                + " const text = getComputedStyle(li.querySelector('.caller')).color, ground = getComputedStyle(li).backgroundColor;"
                + " return text !== ground;", voicemail), "the caller is written in a colour other than its background's");
        // the inbox tab counts it, here and on the conversations page
        assertEquals("1", browser.findElement(By.cssSelector(".tabs a[data-inbox='Main'] .badge.unread")).getText());
        WebElement player = voicemail.findElement(By.cssSelector("audio[controls]"));
        assertEquals("/w/" + org + "/calls/" + callId + "/recording", URI.create(player.getAttribute("src")).getPath());
        // the browser fetches the audio with its session: the sandbox's recording, through the console and routing
        @SuppressWarnings("unchecked")
        Map<String, Object> fetched = (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done({status: r.status,"
                        + " type: r.headers.get('content-type'), head: String.fromCharCode(...new Uint8Array(b).slice(0, 4))})))"
                        + ".catch(e => done({status: 0, type: String(e)}));", player.getAttribute("src"));
        assertEquals(200L, ((Number) fetched.get("status")).longValue(), String.valueOf(fetched));
        assertTrue(String.valueOf(fetched.get("type")).startsWith("audio/"), String.valueOf(fetched));
        assertEquals("RIFF", fetched.get("head"));
        // the player plays it: Chromium reads the WAV's length from it
        new WebDriverWait(browser, WAIT).until(b -> {
            Object duration = ((JavascriptExecutor) b).executeScript("const a = arguments[0]; if (a.readyState < 1) a.load();"
                    + " return a.readyState >= 1 ? a.duration : null;", player);
            return duration instanceof Number n && n.doubleValue() > 0;
        });
        browser.get(console("/w/" + org + "/conversations"));
        assertTrue(browser.findElement(By.cssSelector(".tabs a[data-inbox='Main']")).getText().contains("1 call"),
                browser.findElement(By.cssSelector(".tabs a[data-inbox='Main']")).getText());
        browser.get(console("/w/" + org + "/calls"));
        screenshots("calls");

        browser.findElement(By.cssSelector("li.call[data-call='" + callId + "'] form.mark-heard button")).click();
        new WebDriverWait(browser, WAIT).until(b -> "false".equals(b.findElement(By.cssSelector("li.call[data-call='" + callId + "']"))
                .getAttribute("data-unread")));
        assertTrue(browser.findElements(By.cssSelector(".tabs a[data-inbox='Main'] .badge.unread")).isEmpty());
        assertTrue(RunningSystem.json(system.get("routing-service", "/api/workspaces/" + org + "/calls/" + callId,
                TestTokens.forWorkspace(org))).path("voicemail").path("heard").asBoolean());
        // another workspace's session cannot play it
        assertEquals(403, system.get(RunningSystem.CONSOLE, "/w/" + org + "/calls/" + callId + "/recording",
                TestTokens.forWorkspace("org_other")).statusCode());
    }

    @Test
    void anOperatorRetriesAFailedWorkspaceFromTheOperatorPage() throws Exception {
        String org = newOrg("console_ops");
        system.sandbox.failNext("/AvailablePhoneNumbers", 1, 500, 20500, "Service temporarily unavailable");
        assertEquals(204, clerk("msg_" + UUID.randomUUID(), "organization.created", org, "pro", System.currentTimeMillis()));
        // a workspace owner's Clerk session is no operator session
        signInAs(org);
        browser.get(console("/ops"));
        assertTrue(browser.getCurrentUrl().contains("/ops/sign-in"), browser.getCurrentUrl());
        browser.manage().addCookie(new Cookie("galaxyco_ops", TestTokens.forService(), "/"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.get(console("/ops"));
            return !browser.findElements(By.cssSelector("#failed-workspaces tr[data-workspace='" + org + "']")).isEmpty();
        });
        // every consuming service's dead-letter topics are listed
        String deadLetters = browser.findElement(By.id("dead-letters")).getText();
        assertTrue(deadLetters.contains("provisioning-service") && deadLetters.contains("routing-service")
                && deadLetters.contains("outbound-service"), deadLetters);
        screenshots("ops");
        browser.findElement(By.cssSelector("#failed-workspaces tr[data-workspace='" + org + "'] button")).click();
        // a click submits the form; the answer (a redirect back with a notice) loads after the click returns
        new WebDriverWait(browser, WAIT).until(b -> b.getCurrentUrl().contains("notice=retrying"));
        assertTrue(browser.findElement(By.cssSelector("[role=status]")).getText().contains("Retrying"));
        await().atMost(WAIT).until(() -> activeNumber(org) != null);
        browser.get(console("/ops"));
        assertTrue(browser.findElements(By.cssSelector("#failed-workspaces tr[data-workspace='" + org + "']")).isEmpty());
        // the retry is in the recent changes, as the operator's; the held-messages section answers too
        String changes = browser.findElement(By.id("recent-changes")).getText();
        assertTrue(changes.contains("number.retry") && changes.contains(org) && changes.contains("(service)"), changes);
        String held = browser.findElement(By.id("held-for-review")).getText();
        assertFalse(held.contains("cannot be reached"), held);
    }

    @Test
    void aStarterWorkspaceSeesTheSharedNumber() throws Exception {
        String org = newOrg("console_starter");
        assertEquals(204, clerk("msg_" + UUID.randomUUID(), "organization.created", org, "starter", System.currentTimeMillis()));
        signInAs(org);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            browser.get(console("/w/" + org + "/phone"));
            return !browser.findElements(By.cssSelector("li.number")).isEmpty();
        });
        WebElement shared = browser.findElement(By.cssSelector("li.number"));
        assertEquals(RunningSystem.SHARED_NUMBER, shared.getAttribute("data-number"));
        assertTrue(shared.getText().contains("Shared"), shared.getText());
        assertTrue(browser.findElement(By.cssSelector(".upsell")).getText().contains("Pro"));
        assertTrue(browser.findElements(By.id("add-number")).isEmpty());
        screenshots("phone-starter");
        // this month's usage from the analytics service: nothing used yet
        browser.get(console("/w/" + org + "/usage"));
        assertEquals("0", browser.findElement(By.cssSelector("#usage-totals [data-figure=messagesOutbound]")).getText());
        assertEquals(java.time.YearMonth.now(java.time.ZoneOffset.UTC).lengthOfMonth(),
                browser.findElements(By.cssSelector("#chart .bar")).size(), "a bar per day of the month");
    }

    @Test
    void anotherWorkspacesPageIsRefused() throws Exception {
        String mine = newOrg("console_mine");
        String theirs = newOrg("console_theirs");
        signInAs(mine);
        browser.get(console("/w/" + theirs + "/phone"));
        String error = browser.findElement(By.id("error")).getText();
        assertTrue(error.contains("another workspace"), error);
        assertFalse(browser.getPageSource().contains("li class=\"number"), "nothing of the other workspace is shown");
        // and over HTTP: 403, for the page and for its live part
        for (String path : List.of("/w/" + theirs + "/phone", "/w/" + theirs + "/phone/numbers")) {
            HttpResponse<String> answer = system.http.send(HttpRequest.newBuilder(URI.create(console(path)))
                    .header("Cookie", "__session=" + TestTokens.forWorkspace(mine)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, answer.statusCode(), path);
        }
        // without a session there is no page at all, and a forged token is no session
        browser.manage().deleteAllCookies();
        browser.manage().addCookie(new Cookie("__session", TestTokens.unsigned(mine), "/"));
        browser.get(console("/w/" + mine + "/phone"));
        assertTrue(browser.findElement(By.id("error")).getText().contains("not signed in"));
    }

    @Test
    void thePackagedConsoleHasNoLocalSignInEvenWithTheDevelopmentKey() throws Exception {
        // RunningSystem gives the console CONSOLE_LOCAL_SIGNING_KEY; the prod profile must ignore it
        assertTrue(system.environments.get(RunningSystem.CONSOLE).containsKey("CONSOLE_LOCAL_SIGNING_KEY"));
        HttpResponse<String> signIn = system.post(RunningSystem.CONSOLE, "/sign-in",
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-origin"),
                "workspaceId=org_anyone");
        assertEquals(404, signIn.statusCode());
        assertTrue(signIn.headers().allValues("Set-Cookie").isEmpty());
        HttpResponse<String> page = system.get(RunningSystem.CONSOLE, "/sign-in", null);
        assertFalse(page.body().contains("name=\"workspaceId\""), "no workspace chooser in production");
        // a form posted from another site is refused even with a valid session
        HttpResponse<String> forged = system.post(RunningSystem.CONSOLE, "/w/org_x/phone/numbers/request", Map.of(
                "Origin", "https://evil.example", "Cookie", "__session=" + TestTokens.forWorkspace("org_x"),
                "Content-Type", "application/x-www-form-urlencoded"), "label=Main");
        assertEquals(403, forged.statusCode());
    }
}
