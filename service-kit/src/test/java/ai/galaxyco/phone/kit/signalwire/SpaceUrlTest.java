package ai.galaxyco.phone.kit.signalwire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpaceUrlTest {

    @Test
    void bareHostMeansHttps() {
        assertEquals("https://example.signalwire.com", SignalWireHttp.restBase("example.signalwire.com"));
    }

    @Test
    void seedSipHostMapsToTheRestHost() {
        assertEquals("https://yourspace.signalwire.com", SignalWireHttp.restBase("yourspace.sip.signalwire.com"));
    }

    @Test
    void fullUrlIsUsedAsGiven() {
        assertEquals("http://127.0.0.1:8090", SignalWireHttp.restBase("http://127.0.0.1:8090"));
        assertEquals("https://example.signalwire.com:8443", SignalWireHttp.restBase("https://example.signalwire.com:8443/"));
    }
}
