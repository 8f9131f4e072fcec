import COpenSSL

/// SHA-256 digests computed by OpenSSL.
///
/// Used to fingerprint bodies and to look up credentials, which are stored only as digests.
public enum SHA256 {
    /// The 32-byte SHA-256 digest of `bytes`.
    public static func hash<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let algorithm = fetchedAlgorithm.pointer
        let succeeded: Int32 =
            bytes.withContiguousStorageIfAvailable { buffer in
                // EVP_Digest returns 1 on success, 0 on failure (OpenSSL 3 EVP_DigestInit(3)).
                EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, algorithm, nil)
            }
            ?? Array(bytes).withUnsafeBufferPointer { buffer in
                EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, algorithm, nil)
            }
        precondition(succeeded == 1 && length == 32, "OpenSSL SHA-256 failed")
        return Array(digest.prefix(32))
    }

    /// The SHA-256 digest of `bytes` as 64 lowercase hexadecimal characters.
    public static func hexDigest<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Hex.encode(hash(bytes))
    }

    /// The SHA-256 digest of the UTF-8 bytes of `text` as lowercase hexadecimal.
    public static func hexDigest(_ text: String) -> String {
        hexDigest(Array(text.utf8))
    }
}

/// SHA-256 fetched from OpenSSL's default provider once. `EVP_sha256()` is fetched implicitly
/// on every digest, a provider lookup under a lock that cost about as much as hashing a body
/// ("Performance" in OpenSSL's migration guide recommends explicit fetching).
private let fetchedAlgorithm: FetchedDigest = {
    guard let algorithm = EVP_MD_fetch(nil, "SHA256", nil) else { preconditionFailure("OpenSSL has no SHA256") }
    return FetchedDigest(pointer: algorithm)
}()

private struct FetchedDigest: @unchecked Sendable {
    // Safe: a fetched EVP_MD is immutable and may be shared by threads; it lives as long as
    // the process.
    let pointer: OpaquePointer
}

/// Cryptographically secure random bytes from OpenSSL's generator.
public enum SecureRandom {
    /// `count` random bytes; traps if the generator fails, because continuing with weak
    /// randomness would silently issue guessable credentials.
    public static func bytes(count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        // RAND_bytes returns 1 on success (RAND_bytes(3)).
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(status == 1, "OpenSSL RAND_bytes failed")
        return bytes
    }
}

/// Constant-time comparison, so that timing does not reveal how much of a secret matched.
public enum ConstantTime {
    /// Whether `lhs` and `rhs` are equal; the time taken depends only on their lengths.
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.isEmpty { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
