import Foundation
import Security
import Storage
import Testing

/// Exactly-once delivery under concurrency and restarts, and credentials that change while
/// the server runs.
@Suite("Delivery guarantees and live credentials")
struct DeliveryGuaranteeTests {
    static let body = Array(
        #"{"event_type":"appointment.completed","appointment_id":"apt-50","patient_id":"pat-5","timestamp":"2025-01-10T12:30:00Z"}"#
            .utf8)

    static func send(_ port: Int, headers: [(String, String)], apiKey: String = TestCredentials.apiKey) -> TestResponse?
    {
        try? TestHTTPClient.postSigned(port, body: body, signature: headers, apiKey: apiKey)
    }

    @Test func fiftyConcurrentDeliveriesOfOneMessageStoreExactlyOneEvent() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let port = gateway.port
        let now = Int(Date().timeIntervalSince1970)
        let exact = TestCredentials.signatureHeaders(body: Self.body, id: "msg_fifty", timestamp: now)
        let outcomes = concurrently(50) { index -> String in
            // Even senders send exact copies; odd ones re-sign the same message.
            let headers =
                index % 2 == 0
                ? exact : TestCredentials.signatureHeaders(body: Self.body, id: "msg_fifty", timestamp: now - index)
            guard let response = Self.send(port, headers: headers) else { return "no answer" }
            if response.status == 201 {
                return response.header("Idempotent-Replayed") == "true" ? "201-replayed" : "201"
            }
            return "\(response.status) \(response.json["code"] as? String ?? "")"
        }
        let allowed: Set = ["201", "201-replayed", "409 replay_detected", "409 idempotency_in_flight"]
        #expect(Set(outcomes).isSubset(of: allowed), "\(Set(outcomes))")
        #expect(outcomes.filter { $0 == "201" }.count == 1)
        let rows = try SQLiteConnection(path: gateway.databasePath).scalar("SELECT count(*) FROM appointment_events")
        #expect(rows?.integer == 1)
    }

    @Test func aNonceIsStillRefusedAfterARestart() throws {
        let first = try GatewayProcess()
        let headers = TestCredentials.signatureHeaders(body: Self.body, id: "msg_restart")
        #expect(Self.send(first.port, headers: headers)?.status == 201)
        #expect(first.stop() == 0)
        let second = try GatewayProcess(directory: first.directory)
        defer { second.stop() }
        let replay = Self.send(second.port, headers: headers)
        #expect(replay?.status == 409)
        #expect(replay?.json["code"] as? String == "replay_detected")
        #expect(replay?.json["event_id"] as? Int == 1)
    }

    @Test func aKeyWorksUntilItsExpiryAndNotAfterWithoutAReload() throws {
        // Whole seconds from now, so the check lands on both sides of the instant.
        let expiry = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 2.5).rounded(.down))
        let expiresAt = ISO8601DateFormatter().string(from: expiry)
        let gateway = try GatewayProcess(
            keys: TestCredentials.keysFile(clients: [TestCredentials.client(apiKeyExpiresAt: expiresAt)]))
        defer { gateway.stop() }
        let before = Self.send(gateway.port, headers: TestCredentials.signatureHeaders(body: Self.body))
        #expect(before?.status == 201)
        Thread.sleep(until: expiry.addingTimeInterval(1))
        let after = Self.send(gateway.port, headers: TestCredentials.signatureHeaders(body: Self.body))
        #expect(after?.status == 401)
        #expect(after?.json["code"] as? String == "invalid_api_key")
        #expect(!gateway.consoleOutput.contains("Keys file reloaded"))
    }

    @Test func aChangedKeysFileIsPickedUpWithinTwoSeconds() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let newKey = "gw_key_test_rotated_0000000000000000000000000000"
        #expect(
            Self.send(gateway.port, headers: TestCredentials.signatureHeaders(body: Self.body), apiKey: newKey)?.status
                == 401)
        try TestCredentials.write(
            TestCredentials.keysFile(clients: [TestCredentials.client(apiKey: newKey)]), to: gateway.keysPath)
        let deadline = Date().addingTimeInterval(2)
        var status = 0
        while Date() < deadline, status != 201 {
            usleep(100_000)
            status =
                Self.send(gateway.port, headers: TestCredentials.signatureHeaders(body: Self.body), apiKey: newKey)?
                .status ?? 0
        }
        #expect(status == 201)
        #expect(Self.send(gateway.port, headers: TestCredentials.signatureHeaders(body: Self.body))?.status == 401)
    }

    @Test func anInvalidNewKeysFileKeepsTheLastGoodOneAndLogsAnError() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        _ = FileManager.default.createFile(
            atPath: gateway.keysPath + ".new", contents: Data("{\"clients\": [{\"id\": \"bad id!\"}]}".utf8),
            attributes: [.posixPermissions: 0o600])
        #expect(rename(gateway.keysPath + ".new", gateway.keysPath) == 0)
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline, !gateway.consoleOutput.contains("refused, keeping the last good version") {
            usleep(100_000)
        }
        #expect(gateway.consoleOutput.contains("ERROR - Keys file reload after a change on disk refused"))
        #expect(Self.send(gateway.port, headers: TestCredentials.signatureHeaders(body: Self.body))?.status == 201)
    }

    @Test func sighupReloadsTheKeysFile() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        kill(gateway.process.processIdentifier, SIGHUP)
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline, !gateway.consoleOutput.contains("Keys file reloaded after SIGHUP") { usleep(50_000) }
        #expect(gateway.consoleOutput.contains("Keys file reloaded after SIGHUP (clients=1)"))
        #expect(gateway.process.isRunning)
    }

    @Test func startUpIsRefusedForAKeysFileOthersCanReadOrThatIsInvalid() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keysPath = directory.appendingPathComponent("keys.json").path
        let environment = [
            "WEBHOOK_KEYS_PATH": keysPath, "WEBHOOK_DB_PATH": directory.appendingPathComponent("db").path,
            "WEBHOOK_LOG_FILE": "", "WEBHOOK_PORT": "0", "WEBHOOK_HOST": "127.0.0.1",
        ]
        let missing = try runGateway(["serve"], environment: environment)
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("keys file"))
        try TestCredentials.write(TestCredentials.keysFile(), to: keysPath)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keysPath)
        let readable = try runGateway(["serve"], environment: environment)
        #expect(readable.status == 1)
        #expect(readable.standardError.contains("chmod 600"))
        _ = FileManager.default.createFile(
            atPath: keysPath, contents: Data(#"{"clients":[{"id":"a","api_keys":[{"id":"k","sha256":"xyz"}]}]}"#.utf8),
            attributes: [.posixPermissions: 0o600])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keysPath)
        let invalid = try runGateway(["serve"], environment: environment)
        #expect(invalid.status == 1)
        #expect(invalid.standardError.contains("sha256"))
    }
}
