import Foundation

/// The keys file (contract §5): clients with their API keys and signing secrets, and admin
/// tokens. API keys and admin tokens appear only as SHA-256 digests.
///
/// The same model is read by the server and edited by the CLI, so it encodes back to the
/// documented JSON form (every documented field written, `expires_at: null` included).
public struct KeysFile: Sendable, Codable, Equatable {
    public var clients: [Client]
    public var adminTokens: [HashedCredential]

    public init(clients: [Client] = [], adminTokens: [HashedCredential] = []) {
        self.clients = clients
        self.adminTokens = adminTokens
    }

    /// A partner allowed to send events.
    public struct Client: Sendable, Codable, Equatable {
        public var id: String
        public var disabled: Bool
        /// Nil means the server's default bucket.
        public var rateLimit: RateLimit?
        /// Nil means all event types.
        public var eventTypes: [String]?
        public var apiKeys: [HashedCredential]
        public var signingSecrets: [StoredSigningSecret]

        public init(
            id: String, disabled: Bool = false, rateLimit: RateLimit? = nil, eventTypes: [String]? = nil,
            apiKeys: [HashedCredential] = [], signingSecrets: [StoredSigningSecret] = []
        ) {
            self.id = id
            self.disabled = disabled
            self.rateLimit = rateLimit
            self.eventTypes = eventTypes
            self.apiKeys = apiKeys
            self.signingSecrets = signingSecrets
        }

        enum CodingKeys: String, CodingKey {
            case id, disabled
            case rateLimit = "rate_limit"
            case eventTypes = "event_types"
            case apiKeys = "api_keys"
            case signingSecrets = "signing_secrets"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            disabled = try container.decodeIfPresent(Bool.self, forKey: .disabled) ?? false
            rateLimit = try container.decodeIfPresent(RateLimit.self, forKey: .rateLimit)
            eventTypes = try container.decodeIfPresent([String].self, forKey: .eventTypes)
            apiKeys = try container.decodeIfPresent([HashedCredential].self, forKey: .apiKeys) ?? []
            signingSecrets = try container.decodeIfPresent([StoredSigningSecret].self, forKey: .signingSecrets) ?? []
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(disabled, forKey: .disabled)
            try container.encodeIfPresent(rateLimit, forKey: .rateLimit)
            try container.encodeIfPresent(eventTypes, forKey: .eventTypes)
            try container.encode(apiKeys, forKey: .apiKeys)
            try container.encode(signingSecrets, forKey: .signingSecrets)
        }
    }

    /// A token bucket: `perSecond` tokens added each second, at most `burst` held.
    public struct RateLimit: Sendable, Codable, Equatable {
        public var perSecond: Double
        public var burst: Int

        public init(perSecond: Double, burst: Int) {
            self.perSecond = perSecond
            self.burst = burst
        }

        enum CodingKeys: String, CodingKey {
            case perSecond = "per_second"
            case burst
        }
    }

    /// An API key or admin token, stored only as the SHA-256 of the credential.
    public struct HashedCredential: Sendable, Codable, Equatable {
        public var id: String
        /// 64 lowercase hex characters.
        public var sha256: String
        public var createdAt: String?
        /// Nil: never expires. A credential is inactive from this instant on.
        public var expiresAt: String?

        public init(id: String, sha256: String, createdAt: String? = nil, expiresAt: String? = nil) {
            self.id = id
            self.sha256 = sha256
            self.createdAt = createdAt
            self.expiresAt = expiresAt
        }

        enum CodingKeys: String, CodingKey {
            case id, sha256
            case createdAt = "created_at"
            case expiresAt = "expires_at"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(sha256, forKey: .sha256)
            try container.encodeIfPresent(createdAt, forKey: .createdAt)
            try container.encode(expiresAt, forKey: .expiresAt)
        }
    }

    /// A signing secret in its `whsec_` form (the server needs the key itself to verify).
    public struct StoredSigningSecret: Sendable, Codable, Equatable {
        public var id: String
        public var secret: String
        public var createdAt: String?
        public var expiresAt: String?

        public init(id: String, secret: String, createdAt: String? = nil, expiresAt: String? = nil) {
            self.id = id
            self.secret = secret
            self.createdAt = createdAt
            self.expiresAt = expiresAt
        }

        enum CodingKeys: String, CodingKey {
            case id, secret
            case createdAt = "created_at"
            case expiresAt = "expires_at"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(secret, forKey: .secret)
            try container.encodeIfPresent(createdAt, forKey: .createdAt)
            try container.encode(expiresAt, forKey: .expiresAt)
        }
    }

    enum CodingKeys: String, CodingKey {
        case clients
        case adminTokens = "admin_tokens"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clients = try container.decodeIfPresent([Client].self, forKey: .clients) ?? []
        adminTokens = try container.decodeIfPresent([HashedCredential].self, forKey: .adminTokens) ?? []
    }
}

/// Why a keys file was refused. Messages name the entry, never a secret or digest.
public struct KeysFileError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

extension KeysFile {
    /// The event types a client may be subscribed to.
    public static let knownEventTypes: Set<String> = [
        "appointment.scheduled", "appointment.cancelled", "appointment.rescheduled", "appointment.completed",
        "appointment.no_show",
    ]

    /// Parses and validates the JSON text of a keys file.
    public static func parse(_ data: Data) throws(KeysFileError) -> KeysFile {
        let file: KeysFile
        do {
            file = try JSONDecoder().decode(KeysFile.self, from: data)
        } catch let error as DecodingError {
            throw KeysFileError("keys file is not in the documented format: \(Self.describe(error))")
        } catch {
            throw KeysFileError("keys file is not valid JSON")
        }
        try file.validate()
        return file
    }

    /// The file's JSON text: pretty-printed, keys sorted, so diffs between edits stay small.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and booleans cannot fail.
        return try! encoder.encode(self) + Data("\n".utf8)
    }

    /// Checks every rule of contract §5; the first problem found is thrown.
    public func validate() throws(KeysFileError) {
        var clientIDs = Set<String>()
        for client in clients {
            guard Self.isValidClientID(client.id) else {
                throw KeysFileError("client id \"\(client.id.prefix(64))\" must be 1-64 characters of [A-Za-z0-9_.-]")
            }
            guard clientIDs.insert(client.id).inserted else { throw KeysFileError("client \(client.id) appears twice") }
            if let rateLimit = client.rateLimit {
                guard rateLimit.perSecond > 0, rateLimit.perSecond.isFinite, rateLimit.burst >= 1 else {
                    throw KeysFileError("client \(client.id): rate_limit needs per_second > 0 and burst ≥ 1")
                }
            }
            if let eventTypes = client.eventTypes {
                for eventType in eventTypes where !Self.knownEventTypes.contains(eventType) {
                    throw KeysFileError("client \(client.id): unknown event type \(eventType)")
                }
            }
            var credentialIDs = Set<String>()
            for key in client.apiKeys {
                try Self.validate(key, kind: "api key", owner: "client \(client.id)")
                guard credentialIDs.insert(key.id).inserted else {
                    throw KeysFileError("client \(client.id): credential id \(key.id) appears twice")
                }
            }
            for secret in client.signingSecrets {
                guard !secret.id.isEmpty else { throw KeysFileError("client \(client.id): a signing secret has no id") }
                guard SigningSecret(secret.secret) != nil else {
                    throw KeysFileError(
                        "client \(client.id): signing secret \(secret.id) is not whsec_ + base64 of 16-75 bytes")
                }
                try Self.validateDates(secret.createdAt, secret.expiresAt, what: "signing secret \(secret.id)")
                guard credentialIDs.insert(secret.id).inserted else {
                    throw KeysFileError("client \(client.id): credential id \(secret.id) appears twice")
                }
            }
        }
        var tokenIDs = Set<String>()
        for token in adminTokens {
            try Self.validate(token, kind: "admin token", owner: "admin_tokens")
            guard tokenIDs.insert(token.id).inserted else {
                throw KeysFileError("admin token \(token.id) appears twice")
            }
        }
    }

    public static func isValidClientID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            }
    }

    private static func validate(_ credential: HashedCredential, kind: String, owner: String) throws(KeysFileError) {
        guard !credential.id.isEmpty else { throw KeysFileError("\(owner): an \(kind) has no id") }
        let isHex = credential.sha256.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        guard credential.sha256.utf8.count == 64, isHex else {
            throw KeysFileError("\(owner): \(kind) \(credential.id) needs sha256 as 64 lowercase hex characters")
        }
        try validateDates(credential.createdAt, credential.expiresAt, what: "\(kind) \(credential.id)")
    }

    private static func validateDates(_ createdAt: String?, _ expiresAt: String?, what: String) throws(KeysFileError) {
        for (name, value) in [("created_at", createdAt), ("expires_at", expiresAt)] {
            if let value, ISO8601DateTime(value) == nil {
                throw KeysFileError("\(what): \(name) must be an ISO 8601 date-time with a zone")
            }
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(path(context))"
        case .keyNotFound(let key, let context):
            return "missing \(key.stringValue) at \(path(context).isEmpty ? "top level" : path(context))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context))"
        @unknown default:
            return "unreadable"
        }
    }
}

/// A credential of the keys file that stops working at `expires_at`.
public protocol ExpiringCredential {
    var id: String { get }
    var expiresAt: String? { get set }
}

extension KeysFile.HashedCredential: ExpiringCredential {}
extension KeysFile.StoredSigningSecret: ExpiringCredential {}
