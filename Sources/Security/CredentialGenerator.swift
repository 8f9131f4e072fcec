/// New credentials from OpenSSL's random generator, in the contract's forms.
public enum CredentialGenerator {
    /// `gw_key_` + 43 URL-safe characters (32 random bytes).
    public static func apiKey() -> String { "gw_key_" + urlSafeRandom(bytes: 32) }

    /// `gw_admin_` + 43 URL-safe characters (32 random bytes).
    public static func adminToken() -> String { "gw_admin_" + urlSafeRandom(bytes: 32) }

    /// A short id for a new credential, e.g. `key_3f9d1c0e`.
    public static func identifier(prefix: String) -> String { prefix + "_" + Hex.encode(SecureRandom.bytes(count: 4)) }

    /// Base64url without padding, safe in headers, URLs and shells.
    static func urlSafeRandom(bytes count: Int) -> String {
        String(
            Base64.encode(SecureRandom.bytes(count: count)).compactMap { character -> Character? in
                switch character {
                case "+": "-"
                case "/": "_"
                case "=": nil
                default: character
                }
            })
    }
}
