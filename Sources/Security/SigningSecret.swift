/// A client's Standard Webhooks signing secret: `whsec_` + base64 of 16-75 key bytes.
public struct SigningSecret: Sendable {
    public static let prefix = "whsec_"
    public static let allowedKeyLengths = 16...75

    /// The HMAC key, set up once.
    public let key: HMACKey

    /// Parses `text` (the `whsec_` prefix and base64 padding are optional); nil when it is not
    /// base64 or decodes to a key of the wrong length.
    public init?(_ text: String) {
        let encoded = text.hasPrefix(Self.prefix) ? text.dropFirst(Self.prefix.count) : text[...]
        guard let bytes = Base64.decode(encoded), Self.allowedKeyLengths.contains(bytes.count) else { return nil }
        key = HMACKey(bytes)
    }

    /// A new secret of 32 random bytes, as the CLI issues them.
    public static func generate() -> String {
        prefix + Base64.encode(SecureRandom.bytes(count: 32))
    }
}
