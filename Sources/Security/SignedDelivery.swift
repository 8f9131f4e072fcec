/// The Standard Webhooks headers of one delivery attempt, checked against the contract's
/// limits before any cryptography runs.
public struct SignedDelivery: Sendable, Equatable {
    public let webhookID: String
    /// Exactly as sent (1-12 decimal digits), since it is part of the signed content.
    public let timestamp: String
    public let timestampSeconds: Int64
    public let signatureHeader: String
    /// `Idempotency-Key`, or else `webhook-id`.
    public let idempotencyKey: String

    /// Checks presence and form: an absent header is `missingSignature`; a present but empty
    /// or out-of-limit one is `malformedHeaders`.
    public init(
        webhookID: String?, timestamp: String?, signature: String?, idempotencyKey: String?
    ) throws(SecurityError) {
        guard let webhookID else { throw .missingSignature(header: "webhook-id") }
        guard let timestamp else { throw .missingSignature(header: "webhook-timestamp") }
        guard let signature else { throw .missingSignature(header: "webhook-signature") }
        guard Self.isVisibleASCII(webhookID) else {
            throw .malformedHeaders("webhook-id must be 1-255 visible ASCII characters")
        }
        guard !webhookID.contains(".") else { throw .malformedHeaders("webhook-id must not contain '.'") }
        guard (1...12).contains(timestamp.utf8.count), timestamp.utf8.allSatisfy({ (48...57).contains($0) }),
            let seconds = Int64(timestamp)
        else { throw .malformedHeaders("webhook-timestamp must be Unix seconds: 1-12 digits, no sign") }
        guard !signature.trimmingSpaces.isEmpty else { throw .malformedHeaders("webhook-signature is empty") }
        if let idempotencyKey, !Self.isVisibleASCII(idempotencyKey) {
            throw .malformedHeaders("Idempotency-Key must be 1-255 visible ASCII characters")
        }
        self.webhookID = webhookID
        self.timestamp = timestamp
        self.timestampSeconds = seconds
        self.signatureHeader = signature
        self.idempotencyKey = idempotencyKey ?? webhookID
    }

    /// Whether the timestamp lies within `tolerance` seconds of `now`, past or future.
    public func isWithinWindow(now: Double, tolerance: Int) -> Bool {
        abs(Double(timestampSeconds) - now) <= Double(tolerance)
    }

    static func isVisibleASCII(_ value: String) -> Bool {
        (1...255).contains(value.utf8.count) && value.utf8.allSatisfy { (0x21...0x7e).contains($0) }
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        drop { $0 == " " || $0 == "\t" }
    }
}
