import COpenSSL

/// An HMAC-SHA256 key, set up once in an OpenSSL `EVP_MAC` context.
///
/// Each computation duplicates the keyed context (`EVP_MAC_CTX_dup`), which is about a third
/// cheaper than keying afresh (`HMAC()` fetches the algorithm on every call). The keyed context
/// is never modified after init, so concurrent duplication from several threads is safe.
public final class HMACKey: @unchecked Sendable {
    // Safe: `context` is written only in init and only read (duplicated) afterwards.
    private let context: OpaquePointer

    /// Keys an HMAC-SHA256 context with `key`; traps only if OpenSSL itself is broken.
    public init(_ key: [UInt8]) {
        // EVP_MAC_fetch(3): returns NULL if the algorithm is unavailable.
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { preconditionFailure("OpenSSL has no HMAC") }
        defer { EVP_MAC_free(mac) }
        guard let context = EVP_MAC_CTX_new(mac) else { preconditionFailure("EVP_MAC_CTX_new failed") }
        var digestName = Array("SHA256".utf8CString)
        let initialised = digestName.withUnsafeMutableBufferPointer { name in
            "digest".withCString { digestKey in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(digestKey, name.baseAddress, 0), OSSL_PARAM_construct_end(),
                ]
                return key.withUnsafeBufferPointer {
                    EVP_MAC_init(context, $0.baseAddress, $0.count, &parameters)
                }
            }
        }
        precondition(initialised == 1, "EVP_MAC_init failed")
        self.context = context
    }

    deinit { EVP_MAC_CTX_free(context) }

    /// The 32-byte HMAC-SHA256 of the concatenation of `parts`.
    public func authenticationCode(for parts: [[UInt8]]) -> [UInt8] {
        guard let copy = EVP_MAC_CTX_dup(context) else { preconditionFailure("EVP_MAC_CTX_dup failed") }
        defer { EVP_MAC_CTX_free(copy) }
        for part in parts {
            let updated = part.withUnsafeBufferPointer { EVP_MAC_update(copy, $0.baseAddress, $0.count) }
            precondition(updated == 1, "EVP_MAC_update failed")
        }
        var output = [UInt8](repeating: 0, count: 32)
        var length = 0
        let finished = output.withUnsafeMutableBufferPointer { EVP_MAC_final(copy, $0.baseAddress, &length, 32) }
        precondition(finished == 1 && length == 32, "EVP_MAC_final failed")
        return output
    }

    /// Whether `code` is the HMAC of `parts`, compared in constant time.
    public func isValidAuthenticationCode(_ code: [UInt8], for parts: [[UInt8]]) -> Bool {
        ConstantTime.equals(authenticationCode(for: parts), code)
    }
}
