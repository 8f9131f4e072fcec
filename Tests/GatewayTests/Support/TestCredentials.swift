import Foundation
import Security

/// Credentials the test gateways are started with, and the keys files that hold them.
enum TestCredentials {
    static let clientID = "clinic-a"
    static let apiKey = "gw_key_test_clinic_a_0123456789abcdefghijklmnop"
    static let apiKeyID = "key_a1"
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let adminToken = "gw_admin_test_0123456789abcdefghijklmnopqrstuv"

    /// One client entry of a keys file.
    static func client(
        id: String = clientID, apiKey: String = apiKey, apiKeyID: String = apiKeyID,
        apiKeyExpiresAt: String? = nil,
        secrets: [(id: String, secret: String, expiresAt: String?)] = [
            ("sec_a1", secret, nil)
        ],
        disabled: Bool = false, rateLimit: (Double, Int)? = (1000, 1000), eventTypes: [String]? = nil
    ) -> KeysFile.Client {
        KeysFile.Client(
            id: id, disabled: disabled, rateLimit: rateLimit.map { KeysFile.RateLimit(perSecond: $0.0, burst: $0.1) },
            eventTypes: eventTypes,
            apiKeys: [
                KeysFile.HashedCredential(
                    id: apiKeyID, sha256: SHA256.hexDigest(apiKey), createdAt: "2026-01-01T00:00:00Z",
                    expiresAt: apiKeyExpiresAt)
            ],
            signingSecrets: secrets.map {
                KeysFile.StoredSigningSecret(
                    id: $0.id, secret: $0.secret, createdAt: "2026-01-01T00:00:00Z", expiresAt: $0.expiresAt)
            })
    }

    static func keysFile(clients: [KeysFile.Client] = [client()]) -> KeysFile {
        KeysFile(
            clients: clients,
            adminTokens: [KeysFile.HashedCredential(id: "ops", sha256: SHA256.hexDigest(adminToken))])
    }

    /// Writes `file` to `path` with mode 0600, atomically.
    static func write(_ file: KeysFile, to path: String) throws {
        let temporary = path + ".tmp-\(UUID().uuidString)"
        _ = FileManager.default.createFile(
            atPath: temporary, contents: file.encoded(), attributes: [.posixPermissions: 0o600])
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Standard Webhooks headers for `body`, signed with `secret`.
    static func signatureHeaders(
        body: [UInt8], id: String = "msg_" + UUID().uuidString.replacingOccurrences(of: "-", with: ""),
        timestamp: Int = Int(Date().timeIntervalSince1970), secret: String = secret
    ) -> [(String, String)] {
        let signature = WebhookSignature.sign(
            webhookID: id, timestamp: String(timestamp), body: body, secret: SigningSecret(secret)!)
        return [("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signature)]
    }
}
