/// The keys file prepared for lookups on every request: API keys and admin tokens indexed by
/// their SHA-256, signing secrets keyed once into HMAC contexts.
///
/// Immutable: a reload builds a new directory and swaps it in whole.
public final class CredentialDirectory: Sendable {
    /// A client as the pipeline needs it.
    public struct Client: Sendable {
        public let id: String
        public let isDisabled: Bool
        public let rateLimit: KeysFile.RateLimit?
        /// Nil: subscribed to every event type.
        public let eventTypes: Set<String>?
        fileprivate let secrets: [(secret: SigningSecret, expiresAt: Int64?)]

        /// Whether the client may send events of `eventType`.
        public func isSubscribed(to eventType: String) -> Bool {
            eventTypes?.contains(eventType) ?? true
        }

        /// The signing secrets not yet expired at `now` (milliseconds since 1970).
        public func activeSecrets(at now: Int64) -> [SigningSecret] {
            secrets.filter { isActive($0.expiresAt, at: now) }.map(\.secret)
        }
    }

    /// The result of presenting an API key.
    public enum APIKeyOutcome: Sendable {
        case authenticated(Client, keyID: String)
        /// Unknown, expired or revoked. The client and key are named when the key was known
        /// but has expired, for the audit record.
        case invalid(clientID: String?, keyID: String?)
    }

    private struct IndexedCredential: Sendable {
        let clientIndex: Int
        let id: String
        let digest: [UInt8]
        let expiresAt: Int64?
    }

    private let clients: [Client]
    private let apiKeys: [String: IndexedCredential]
    private let adminTokens: [String: IndexedCredential]

    /// The number of clients, for logs.
    public var clientCount: Int { clients.count }

    /// Builds the directory; the file must already be valid (`KeysFile.validate()`).
    public init(_ file: KeysFile) {
        clients = file.clients.map { client in
            Client(
                id: client.id, isDisabled: client.disabled, rateLimit: client.rateLimit,
                eventTypes: client.eventTypes.map(Set.init),
                secrets: client.signingSecrets.compactMap { stored in
                    SigningSecret(stored.secret).map { ($0, stored.expiresAt.flatMap(Self.milliseconds)) }
                })
        }
        var apiKeys: [String: IndexedCredential] = [:]
        for (index, client) in file.clients.enumerated() {
            for key in client.apiKeys {
                apiKeys[key.sha256] = Self.indexed(key, clientIndex: index)
            }
        }
        self.apiKeys = apiKeys
        adminTokens = Dictionary(
            file.adminTokens.map { ($0.sha256, Self.indexed($0, clientIndex: -1)) },
            uniquingKeysWith: { first, _ in first })
    }

    /// Looks the key up by its SHA-256 and checks that it is active at `now`.
    public func authenticate(apiKey: String, at now: Int64) -> APIKeyOutcome {
        let digest = SHA256.hash(Array(apiKey.utf8))
        guard let credential = apiKeys[Hex.encode(digest)], ConstantTime.equals(credential.digest, digest) else {
            return .invalid(clientID: nil, keyID: nil)
        }
        let client = clients[credential.clientIndex]
        guard isActive(credential.expiresAt, at: now) else {
            return .invalid(clientID: client.id, keyID: credential.id)
        }
        return .authenticated(client, keyID: credential.id)
    }

    /// The id of the admin token `token` when it is known and active at `now`.
    public func authenticateAdmin(token: String, at now: Int64) -> String? {
        let digest = SHA256.hash(Array(token.utf8))
        guard let credential = adminTokens[Hex.encode(digest)], ConstantTime.equals(credential.digest, digest),
            isActive(credential.expiresAt, at: now)
        else { return nil }
        return credential.id
    }

    /// The client with `id`, if any.
    public func client(id: String) -> Client? {
        clients.first { $0.id == id }
    }

    private static func indexed(_ credential: KeysFile.HashedCredential, clientIndex: Int) -> IndexedCredential {
        IndexedCredential(
            clientIndex: clientIndex, id: credential.id,
            digest: hexBytes(credential.sha256), expiresAt: credential.expiresAt.flatMap(milliseconds))
    }

    private static func milliseconds(_ text: String) -> Int64? {
        ISO8601DateTime(text)?.millisecondsSince1970
    }

    private static func hexBytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8).map { $0 <= 57 ? $0 - 48 : $0 - 87 }
        return stride(from: 0, to: digits.count - 1, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}

/// A credential is active until its `expires_at` instant, exclusive.
private func isActive(_ expiresAt: Int64?, at now: Int64) -> Bool {
    expiresAt.map { now < $0 } ?? true
}
