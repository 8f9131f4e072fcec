/// Standard Webhooks v1 signatures: `base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))`.
public enum WebhookSignature {
    /// Whether any `v1,<base64>` entry of `header` (space-separated) matches the signature of
    /// the message under any of `secrets`. Other versions and malformed entries match nothing.
    /// Works on the raw body bytes, before any parsing.
    public static func verify(
        header: String, webhookID: String, timestamp: String, body: [UInt8], secrets: [SigningSecret]
    ) -> Bool {
        let candidates = header.split(separator: " ").compactMap { entry -> [UInt8]? in
            guard entry.hasPrefix("v1,"), let bytes = Base64.decode(entry.dropFirst(3)), bytes.count == 32 else {
                return nil
            }
            return bytes
        }
        guard !candidates.isEmpty else { return false }
        let parts = signedParts(webhookID: webhookID, timestamp: timestamp, body: body)
        for secret in secrets {
            let expected = secret.key.authenticationCode(for: parts)
            for candidate in candidates where ConstantTime.equals(expected, candidate) {
                return true
            }
        }
        return false
    }

    /// The `v1,<base64>` signature of a message under `secret` (for senders and the CLI).
    public static func sign(webhookID: String, timestamp: String, body: [UInt8], secret: SigningSecret) -> String {
        "v1,"
            + Base64.encode(
                secret.key.authenticationCode(for: signedParts(webhookID: webhookID, timestamp: timestamp, body: body)))
    }

    private static func signedParts(webhookID: String, timestamp: String, body: [UInt8]) -> [[UInt8]] {
        [Array("\(webhookID).\(timestamp).".utf8), body]
    }
}
