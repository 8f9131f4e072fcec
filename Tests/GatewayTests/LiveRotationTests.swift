import Foundation
import Security
import TestSupport
import Testing

/// Rotation and revocation against a running server, with no restart anywhere.
@Suite("Key rotation on a live server")
struct LiveRotationTests {
    static let body = Array(
        #"{"event_type":"appointment.scheduled","appointment_id":"apt-r","patient_id":"p","timestamp":"2025-01-10T12:30:00Z"}"#
            .utf8)

    static func status(_ port: Int, apiKey: String, secret: String) -> Int {
        let signature = TestCredentials.signatureHeaders(body: body, secret: secret)
        return (try? TestHTTPClient.postSigned(port, body: body, signature: signature, apiKey: apiKey))?.status ?? 0
    }

    /// Polls `condition` every 100 ms for at most `seconds`.
    static func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(100_000)
        }
        return condition()
    }

    @Test func bothCredentialsWorkDuringTheGraceOnlyTheNewAfterAndRevokeStopsItWithinTwoSeconds() throws {
        let directory = try TemporaryDirectory()
        let environment = ["WEBHOOK_KEYS_PATH": directory.url.appendingPathComponent("keys.json").path]
        let added = try runGateway(["keys", "add", "acme", "--json"], environment: environment)
        let old = try #require(
            try JSONSerialization.jsonObject(with: Data(added.standardOutput.utf8)) as? [String: String])
        let gateway = try GatewayProcess(directory: directory.url, keys: nil)
        defer { gateway.stop() }
        let port = gateway.port
        #expect(Self.status(port, apiKey: old["api_key"]!, secret: old["signing_secret"]!) == 201)

        let rotated = try runGateway(["keys", "rotate", "acme", "--grace", "4s", "--json"], environment: environment)
        let rotatedAt = Date()
        let new = try #require(
            try JSONSerialization.jsonObject(with: Data(rotated.standardOutput.utf8)) as? [String: String])
        #expect(
            Self.eventually(within: 2) {
                Self.status(port, apiKey: new["api_key"]!, secret: new["signing_secret"]!) == 201
            })
        // During the grace period every combination still works.
        #expect(Self.status(port, apiKey: old["api_key"]!, secret: old["signing_secret"]!) == 201)
        #expect(Self.status(port, apiKey: new["api_key"]!, secret: old["signing_secret"]!) == 201)

        Thread.sleep(until: rotatedAt.addingTimeInterval(5.5))
        #expect(Self.status(port, apiKey: old["api_key"]!, secret: new["signing_secret"]!) == 401)
        #expect(Self.status(port, apiKey: new["api_key"]!, secret: old["signing_secret"]!) == 401)
        #expect(Self.status(port, apiKey: new["api_key"]!, secret: new["signing_secret"]!) == 201)

        #expect(try runGateway(["keys", "revoke", "acme", new["api_key_id"]!], environment: environment).status == 0)
        let revokedAt = Date()
        #expect(
            Self.eventually(within: 2) {
                Self.status(port, apiKey: new["api_key"]!, secret: new["signing_secret"]!) == 401
            })
        #expect(Date().timeIntervalSince(revokedAt) <= 2.5)
        #expect(gateway.process.isRunning)
    }
}
