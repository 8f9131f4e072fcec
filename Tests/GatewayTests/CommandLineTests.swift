import Foundation
import Security
import Storage
import TestSupport
import Testing

/// The CLI driven as a subprocess against temporary files.
@Suite("Admin CLI")
struct CommandLineTests {
    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func keysFile(_ directory: TemporaryDirectory) throws -> KeysFile {
        try KeysFile.parse(Data(contentsOf: directory.url.appendingPathComponent("keys.json")))
    }

    static func environment(_ directory: TemporaryDirectory) -> [String: String] {
        [
            "WEBHOOK_KEYS_PATH": directory.url.appendingPathComponent("keys.json").path,
            "WEBHOOK_DB_PATH": directory.databasePath,
            "WEBHOOK_LOG_FILE": directory.url.appendingPathComponent("cli.log").path,
        ]
    }

    @Test func addPrintsNewCredentialsOnceAndStoresOnlyTheirDigests() throws {
        let directory = try TemporaryDirectory()
        let result = try runGateway(["keys", "add", "acme-clinic", "--json"], environment: Self.environment(directory))
        #expect(result.status == 0)
        let issued = Self.json(result.standardOutput)
        let apiKey = try #require(issued["api_key"] as? String)
        let secret = try #require(issued["signing_secret"] as? String)
        #expect(issued["client_id"] as? String == "acme-clinic")
        #expect(apiKey.hasPrefix("gw_key_") && apiKey.count >= 7 + 43)
        #expect(secret.hasPrefix("whsec_") && Base64.decode(secret.dropFirst(6))?.count == 32)
        let path = directory.url.appendingPathComponent("keys.json").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(apiKey))
        #expect(text.contains(SHA256.hexDigest(apiKey)))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let client = try #require(try Self.keysFile(directory).clients.first)
        #expect(client.apiKeys.first?.id == issued["api_key_id"] as? String)
        #expect(client.signingSecrets.first?.id == issued["signing_secret_id"] as? String)
        let listed = try runGateway(["keys", "list"], environment: Self.environment(directory))
        #expect(listed.status == 0 && listed.standardOutput.contains("acme-clinic"))
        #expect(!listed.standardOutput.contains(secret) && !listed.standardOutput.contains(apiKey))
        let log = try String(contentsOfFile: directory.url.appendingPathComponent("cli.log").path, encoding: .utf8)
        #expect(log.contains("keys: added client acme-clinic"))
        #expect(!log.contains(apiKey) && !log.contains(secret))
        let again = try runGateway(["keys", "add", "acme-clinic"], environment: Self.environment(directory))
        #expect(again.status == 1)
    }

    @Test func rotateIssuesOnlyWhatWasAskedAndRetiresTheOldAfterTheGrace() throws {
        let directory = try TemporaryDirectory()
        let environment = Self.environment(directory)
        _ = try runGateway(["keys", "add", "acme"], environment: environment)
        let secretOnly = try runGateway(
            ["keys", "rotate", "acme", "--secret", "--grace", "15m", "--json"], environment: environment)
        #expect(secretOnly.status == 0)
        let issued = Self.json(secretOnly.standardOutput)
        #expect(issued["signing_secret"] is String && issued["api_key"] == nil)
        var client = try #require(try Self.keysFile(directory).clients.first)
        #expect(client.signingSecrets.count == 2 && client.apiKeys.count == 1)
        let retired = try #require(client.signingSecrets.first?.expiresAt.flatMap(ISO8601DateTime.init))
        let expected = Date().addingTimeInterval(900).timeIntervalSince1970
        #expect(abs(Double(retired.millisecondsSince1970) / 1000 - expected) < 5)
        #expect(client.signingSecrets.last?.expiresAt == nil)
        let both = try runGateway(["keys", "rotate", "acme", "--json", "--grace", "0"], environment: environment)
        #expect(
            Self.json(both.standardOutput).keys.sorted() == [
                "api_key", "api_key_id", "client_id", "signing_secret", "signing_secret_id",
            ])
        client = try #require(try Self.keysFile(directory).clients.first)
        #expect(client.apiKeys.count == 2 && client.signingSecrets.count == 3)
        #expect(try runGateway(["keys", "rotate", "acme", "--grace", "soon"], environment: environment).status == 2)
        #expect(try runGateway(["keys", "rotate", "nobody"], environment: environment).status == 1)
    }

    @Test func revokeDisableEnableAndRemoveEditTheFile() throws {
        let directory = try TemporaryDirectory()
        let environment = Self.environment(directory)
        let issued = Self.json(
            try runGateway(["keys", "add", "acme", "--json"], environment: environment).standardOutput)
        let keyID = try #require(issued["api_key_id"] as? String)
        #expect(try runGateway(["keys", "revoke", "acme", keyID], environment: environment).status == 0)
        #expect(try Self.keysFile(directory).clients.first?.apiKeys.first?.expiresAt != nil)
        #expect(try runGateway(["keys", "revoke", "acme", "key_nope"], environment: environment).status == 1)
        #expect(try runGateway(["keys", "disable", "acme"], environment: environment).status == 0)
        #expect(try Self.keysFile(directory).clients.first?.disabled == true)
        #expect(try runGateway(["keys", "enable", "acme"], environment: environment).status == 0)
        #expect(try Self.keysFile(directory).clients.first?.disabled == false)
        #expect(try runGateway(["keys", "remove", "acme"], environment: environment).status == 0)
        #expect(try Self.keysFile(directory).clients.isEmpty)
        #expect(try runGateway(["keys", "remove", "acme"], environment: environment).status == 1)
    }

    @Test func listAsJSONGivesEachClientsCredentialStatesAndNoSecret() throws {
        let directory = try TemporaryDirectory()
        let environment = Self.environment(directory)
        let issued = Self.json(
            try runGateway(["keys", "add", "acme", "--json"], environment: environment).standardOutput)
        _ = try runGateway(["keys", "rotate", "acme", "--api-key", "--grace", "0"], environment: environment)
        let listed = try runGateway(["keys", "list", "--json"], environment: environment)
        #expect(listed.status == 0)
        let client = Self.json(listed.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(client["client_id"] as? String == "acme" && client["disabled"] as? Bool == false)
        let keys = try #require(client["api_keys"] as? [[String: Any]])
        #expect(keys.map { $0["active"] as? Bool } == [false, true])
        #expect(keys.first?["id"] as? String == issued["api_key_id"] as? String)
        #expect((client["signing_secrets"] as? [[String: Any]])?.first?["active"] as? Bool == true)
        for secret in [issued["api_key"], issued["signing_secret"]].compactMap({ $0 as? String }) {
            #expect(!listed.standardOutput.contains(secret))
        }
        #expect(!listed.standardOutput.contains("sha256"))
    }

    @Test func adminTokensAreAddedListedAndRevoked() throws {
        let directory = try TemporaryDirectory()
        let environment = Self.environment(directory)
        let added = try runGateway(["admin-tokens", "add", "ops", "--json"], environment: environment)
        let token = try #require(Self.json(added.standardOutput)["token"] as? String)
        #expect(token.hasPrefix("gw_admin_"))
        #expect(Self.json(added.standardOutput)["id"] as? String == "ops")
        #expect(try Self.keysFile(directory).adminTokens.first?.sha256 == SHA256.hexDigest(token))
        let listed = try runGateway(["admin-tokens", "list"], environment: environment)
        #expect(listed.standardOutput.contains("ops") && !listed.standardOutput.contains(token))
        #expect(try runGateway(["admin-tokens", "revoke", "ops"], environment: environment).status == 0)
        #expect(try runGateway(["admin-tokens", "list"], environment: environment).standardOutput.contains("expired"))
    }

    @Test func twoConcurrentAddsBothLand() throws {
        let directory = try TemporaryDirectory()
        let environment = Self.environment(directory)
        let statuses = concurrently(6) { index in
            (try? runGateway(["keys", "add", "clinic-\(index)"], environment: environment))?.status ?? -1
        }
        #expect(statuses.allSatisfy { $0 == 0 })
        #expect(try Self.keysFile(directory).clients.map(\.id).sorted() == (0..<6).map { "clinic-\($0)" })
    }

    @Test func pathsMayBeGivenAsFlagsAnywhereAfterTheCommand() throws {
        let directory = try TemporaryDirectory()
        let keys = directory.url.appendingPathComponent("elsewhere.json").path
        #expect(try runGateway(["keys", "add", "--keys", keys, "acme"]).status == 0)
        #expect(try runGateway(["keys", "list", "--keys=\(keys)"]).standardOutput.contains("acme"))
        // A flag beats the environment.
        let environment = ["WEBHOOK_KEYS_PATH": directory.url.appendingPathComponent("other.json").path]
        #expect(
            try runGateway(["keys", "list", "--keys", keys], environment: environment).standardOutput.contains("acme"))
    }

    @Test(arguments: [
        ["keys"], ["keys", "frob"], ["keys", "add"], ["keys", "add", "a", "b"], ["keys", "add", "a", "--nope"],
        ["keys", "revoke", "acme"], ["audit", "--limit", "0"], ["audit", "--since", "yesterday"], ["sign", "x"],
        ["send", "x"], ["events", "--limit"], ["keys", "add", "bad id"],
    ])
    func usageErrorsExitTwoWithAMessage(_ arguments: [String]) throws {
        let directory = try TemporaryDirectory()
        let result = try runGateway(arguments, environment: Self.environment(directory))
        #expect(result.status == 2)
        #expect(!result.standardError.isEmpty)
    }

    @Test(arguments: [
        ["keys", "--help"], ["keys", "add", "--help"], ["keys", "rotate", "--help"], ["admin-tokens", "add", "--help"],
        ["audit", "--help"], ["audit", "summary", "--help"], ["audit", "verify", "--help"], ["events", "--help"],
        ["sign", "--help"], ["send", "--help"], ["migrate", "--help"], ["serve", "--help"], ["--help"],
    ])
    func everyCommandHasHelp(_ arguments: [String]) throws {
        let result = try runGateway(arguments)
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("Usage") || result.standardOutput.contains("gateway"))
    }

    @Test func signPrintsCurlReadyHeadersMatchingTheVector() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("body.json")
        try Data(#"{"test": 2432232314}"#.utf8).write(to: file)
        let result = try runGateway([
            "sign", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "--timestamp", "1614265330", file.path,
        ])
        #expect(result.status == 0)
        #expect(
            result.standardOutput == """
                webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek
                webhook-timestamp: 1614265330
                webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=

                """)
        let json = try runGateway([
            "sign", "--json", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--id", "m1", file.path,
        ])
        let headers = Self.json(json.standardOutput)
        #expect(headers["webhook-id"] as? String == "m1")
        #expect(headers["webhook-timestamp"] is String && headers["webhook-signature"] is String)
    }

    @Test func signedOutputIsAcceptedByTheServerAndSendPostsIt() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let file = gateway.directory.appendingPathComponent("event.json")
        try Data(
            #"{"event_type":"appointment.scheduled","appointment_id":"apt-cli","patient_id":"p","timestamp":"2025-01-10T12:30:00Z"}"#
                .utf8
        ).write(to: file)
        let signed = try runGateway(["sign", "--secret", TestCredentials.secret, file.path])
        let headers = signed.standardOutput.split(separator: "\n").map { line -> (String, String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces))
        }
        let response = try TestHTTPClient.postSigned(
            gateway.port, body: Array(try Data(contentsOf: file)), signature: headers)
        #expect(response.status == 201)
        let url = "http://127.0.0.1:\(gateway.port)/webhook/appointment"
        let sent = try runGateway([
            "send", "--url", url, "--api-key", TestCredentials.apiKey, "--secret", TestCredentials.secret, file.path,
        ])
        #expect(sent.status == 0)
        #expect(sent.standardOutput.hasPrefix("HTTP 201"))
        let refused = try runGateway([
            "send", "--url", url, "--api-key", "gw_key_wrong", "--secret", TestCredentials.secret, file.path,
        ])
        #expect(refused.status == 1)
        #expect(refused.standardOutput.contains("invalid_api_key"))
    }

    @Test func signaturesFromSignVerifyWithTheStandardWebhooksLibrary() throws {
        let python = ThirdPartySenderTests.python
        try #require(FileManager.default.isExecutableFile(atPath: python.path))
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("body.json")
        try Data(#"{"event_type":"appointment.no_show"}"#.utf8).write(to: file)
        let secret = SigningSecret.generate()
        let signed = Self.json(try runGateway(["sign", "--json", "--secret", secret, file.path]).standardOutput)
        let process = Process()
        process.executableURL = python
        process.arguments = [
            "-c",
            """
            import json, sys
            from standardwebhooks.webhooks import Webhook
            headers = json.loads(sys.argv[1])
            Webhook(sys.argv[2]).verify(open(sys.argv[3], "rb").read().decode(), headers)
            print("verified")
            """, String(data: try JSONSerialization.data(withJSONObject: signed), encoding: .utf8)!, secret, file.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("verified"))
    }

    @Test func auditVerifyPassesOnAnIntactChainAndNamesTheRecordAfterEditsWithSqlite3() throws {
        let gateway = try GatewayProcess()
        for _ in 0..<4 { _ = try TestHTTPClient.postEvent(gateway.port, "{}", apiKey: "gw_key_wrong") }
        gateway.stop()
        let environment = ["WEBHOOK_DB_PATH": gateway.databasePath]
        let intact = try runGateway(["audit", "verify"], environment: environment)
        #expect(intact.status == 0)
        #expect(intact.standardOutput.contains("intact (4 records)"))
        let listed = try runGateway(["audit", "--json", "--reason", "invalid_api_key"], environment: environment)
        let records = listed.standardOutput.split(separator: "\n").map { Self.json(String($0)) }
        #expect(records.count == 4 && records.allSatisfy { $0["code"] as? String == "invalid_api_key" })
        let table = try runGateway(["audit", "--since", "1h", "--limit", "2"], environment: environment)
        #expect(table.standardOutput.split(separator: "\n").count == 3)
        let summary = Self.json(
            try runGateway(["audit", "summary", "--json"], environment: environment).standardOutput)
        #expect(summary["total"] as? Int == 4)

        try sqlite3(gateway.databasePath, "UPDATE rejections SET message = 'nothing to see' WHERE id = 2")
        let edited = try runGateway(["audit", "verify"], environment: environment)
        #expect(edited.status == 1)
        #expect(edited.standardOutput.contains("record 2"))

        try sqlite3(gateway.databasePath, "DELETE FROM rejections WHERE id IN (1, 2)")
        let deleted = try runGateway(["audit", "verify"], environment: environment)
        #expect(deleted.status == 1)
        #expect(deleted.standardOutput.contains("record 3"))
    }

    @Test func eventsListsStoredEventsWithFilters() throws {
        let gateway = try GatewayProcess()
        for index in 0..<3 {
            _ = try TestHTTPClient.postEvent(
                gateway.port,
                #"{"event_type":"appointment.scheduled","appointment_id":"apt-\#(index)","patient_id":"p","timestamp":"2025-01-10T12:30:00Z"}"#
            )
        }
        gateway.stop()
        let environment = ["WEBHOOK_DB_PATH": gateway.databasePath]
        let lines = try runGateway(["events", "--json", "--limit", "2"], environment: environment).standardOutput
            .split(separator: "\n").map { Self.json(String($0)) }
        #expect(lines.map { $0["appointment_id"] as? String } == ["apt-2", "apt-1"])
        let filtered = try runGateway(["events", "--appointment-id", "apt-0"], environment: environment)
        #expect(filtered.standardOutput.contains("apt-0") && !filtered.standardOutput.contains("apt-1"))
    }

    private func sqlite3(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
