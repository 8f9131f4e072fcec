import Foundation
import Security
import Testing

/// Real partner clients: the `standardwebhooks` and `svix` libraries from PyPI sign the
/// deliveries (in the virtualenv `make test` creates), and the running gateway accepts them.
@Suite("Third-party senders")
struct ThirdPartySenderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv/bin/python")
    static let script = root.appendingPathComponent("Tests/Interop/third_party_senders.py")

    /// Runs the Python senders and returns (library, status) for each delivery.
    static func send(port: Int, secrets: [String]) throws -> [(String, Int)] {
        let process = Process()
        process.executableURL = python
        process.arguments =
            [script.path, "--url", "http://127.0.0.1:\(port)/webhook/appointment", "--api-key", TestCredentials.apiKey]
            + secrets.flatMap { ["--secret", $0] }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            return (object["library"] as? String ?? "", object["status"] as? Int ?? 0)
        }
    }

    @Test func bothLibrariesGetA201() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.python.path),
            "run 'make python-tools' (part of 'make test') to create .venv")
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let results = try Self.send(port: gateway.port, secrets: [TestCredentials.secret])
        #expect(results.map(\.0) == ["standardwebhooks", "svix"])
        #expect(results.allSatisfy { $0.1 == 201 })
    }

    @Test func aSenderHoldingTheOldAndNewSecretPassesDuringARotation() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.python.path))
        let newSecret = SigningSecret.generate()
        // The server knows only the new secret (the old one expired); the sender signs with both.
        let gateway = try GatewayProcess(
            keys: TestCredentials.keysFile(clients: [TestCredentials.client(secrets: [("sec_new", newSecret, nil)])]))
        defer { gateway.stop() }
        let results = try Self.send(port: gateway.port, secrets: [TestCredentials.secret, newSecret])
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.1 == 201 })
        // With only the retired secret, both libraries' signatures are refused.
        let stale = try Self.send(port: gateway.port, secrets: [TestCredentials.secret])
        #expect(stale.allSatisfy { $0.1 == 401 })
    }
}
