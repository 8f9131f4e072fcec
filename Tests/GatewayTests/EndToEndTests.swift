import Foundation
import Testing

@Suite("Smoke")
struct SmokeTests {
    @Test func healthAnswers() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let response = try TestHTTPClient.send(port: gateway.port, method: "GET", path: "/")
        #expect(response.status == 200)
    }
}
