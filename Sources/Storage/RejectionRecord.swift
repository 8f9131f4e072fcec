/// One refused request, as the audit stores it (contract §4). Never the body, key or signature.
///
/// The fields a caller supplies live in `details`; `record.code` and the like read through to
/// them.
@dynamicMemberLookup
public struct RejectionRecord: Sendable, Equatable {
    public var id: Int64
    public var details: Draft
    public var previousHash: String
    public var hash: String

    /// The hash of the record before the first one.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The fields a caller supplies; the audit assigns the id and the chain hashes.
    public struct Draft: Sendable, Equatable {
        /// UTC ISO 8601 with milliseconds.
        public var occurredAt: String
        public var requestID: String
        public var clientID: String?
        public var apiKeyID: String?
        public var remoteAddress: String
        public var method: String
        public var path: String
        public var status: Int
        public var code: String
        public var message: String
        public var webhookID: String?
        public var bodySize: Int
        /// Hex SHA-256 of the body as received (nil when the body was never read).
        public var bodySHA256: String?

        public init(
            occurredAt: String, requestID: String, clientID: String?, apiKeyID: String?, remoteAddress: String,
            method: String, path: String, status: Int, code: String, message: String, webhookID: String?,
            bodySize: Int, bodySHA256: String?
        ) {
            self.occurredAt = occurredAt
            self.requestID = requestID
            self.clientID = clientID
            self.apiKeyID = apiKeyID
            self.remoteAddress = remoteAddress
            self.method = method
            self.path = path
            self.status = status
            self.code = code
            self.message = message
            self.webhookID = webhookID
            self.bodySize = bodySize
            self.bodySHA256 = bodySHA256
        }
    }

    init(id: Int64, draft: Draft, previousHash: String, hash: String) {
        self.id = id
        details = draft
        self.previousHash = previousHash
        self.hash = hash
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<Draft, Value>) -> Value {
        get { details[keyPath: keyPath] }
        set { details[keyPath: keyPath] = newValue }
    }

    /// Every field as (name, value) with its §4 name; `hash` last.
    public var fields: [(String, AuditValue)] {
        let details = self.details
        return [
            ("api_key_id", .text(details.apiKeyID)), ("body_sha256", .text(details.bodySHA256)),
            ("body_size", .integer(Int64(details.bodySize))),
            ("client_id", .text(details.clientID)), ("code", .text(details.code)), ("id", .integer(id)),
            ("message", .text(details.message)),
            ("method", .text(details.method)), ("occurred_at", .text(details.occurredAt)),
            ("path", .text(details.path)),
            ("prev_hash", .text(previousHash)), ("remote_addr", .text(details.remoteAddress)),
            ("request_id", .text(details.requestID)),
            ("status", .integer(Int64(details.status))), ("webhook_id", .text(details.webhookID)),
            ("hash", .text(hash)),
        ]
    }

    /// The bytes the hash covers: every field but `hash` as canonical JSON (keys sorted, no
    /// whitespace, UTF-8), as anyone can recompute with `json.dumps(sort_keys=True,
    /// separators=(",", ":"), ensure_ascii=False)`.
    public var canonicalJSON: [UInt8] {
        let members = fields.filter { $0.0 != "hash" }.sorted { $0.0 < $1.0 }
        var text = "{"
        for (index, (name, value)) in members.enumerated() {
            if index > 0 { text += "," }
            text += CanonicalJSON.string(name) + ":" + value.json
        }
        return Array((text + "}").utf8)
    }
}

/// A value of an audit field: text (possibly null) or an integer.
public enum AuditValue: Sendable, Equatable {
    case text(String?)
    case integer(Int64)

    var json: String {
        switch self {
        case .text(let value): value.map(CanonicalJSON.string) ?? "null"
        case .integer(let value): String(value)
        }
    }
}

/// JSON string literals escaped exactly as Python's `json.dumps(..., ensure_ascii=False)` does,
/// so anyone can recompute an audit hash; the gateway's responses use the same escaping.
public enum CanonicalJSON {
    public static func string(_ value: String) -> String {
        var output = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
