import Foundation
import Security
import Testing

/// The shared Standard Webhooks vectors (../shared/vectors/standard-webhooks.json).
struct SignatureVector: Sendable, Decodable, CustomTestStringConvertible {
    let name: String
    let secret: String
    let webhook_id: String
    let timestamp: Int
    let payload: String
    let signature: String
    let valid: Bool

    var testDescription: String { name }

    static let file: URL = {
        if let path = ProcessInfo.processInfo.environment["WEBHOOK_VECTORS"] { return URL(fileURLWithPath: path) }
        // The repository sits beside shared/: <root>/../shared/vectors.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/vectors/standard-webhooks.json")
    }()

    struct File: Decodable {
        struct Large: Decodable {
            struct Case: Decodable {
                let payload_repeat_char: String
                let payload_length: Int
                let signature: String
            }
            let secret: String
            let webhook_id: String
            let timestamp: Int
            let cases: [Case]
        }
        let vectors: [SignatureVector]
        let large_payload_vectors: Large
    }

    static let all: File = try! JSONDecoder().decode(File.self, from: Data(contentsOf: file))
}

@Suite("Standard Webhooks signatures")
struct WebhookSignatureTests {
    @Test(arguments: SignatureVector.all.vectors)
    func everySharedVectorVerifiesAsPublished(_ vector: SignatureVector) throws {
        let secret = try #require(SigningSecret(vector.secret))
        let verified = WebhookSignature.verify(
            header: vector.signature, webhookID: vector.webhook_id, timestamp: String(vector.timestamp),
            body: Array(vector.payload.utf8), secrets: [secret])
        #expect(verified == vector.valid)
    }

    @Test func largePayloadVectorsVerify() throws {
        let large = SignatureVector.all.large_payload_vectors
        let secret = try #require(SigningSecret(large.secret))
        for testCase in large.cases {
            let body = Array(String(repeating: testCase.payload_repeat_char, count: testCase.payload_length).utf8)
            #expect(
                WebhookSignature.verify(
                    header: testCase.signature, webhookID: large.webhook_id, timestamp: String(large.timestamp),
                    body: body, secrets: [secret]))
        }
    }

    @Test func signingReproducesTheCanonicalVector() throws {
        let vector = try #require(SignatureVector.all.vectors.first { $0.name == "canonical" })
        let signature = WebhookSignature.sign(
            webhookID: vector.webhook_id, timestamp: String(vector.timestamp), body: Array(vector.payload.utf8),
            secret: try #require(SigningSecret(vector.secret)))
        #expect(signature == vector.signature)
    }

    @Test func anyActiveSecretMayMatchDuringRotation() throws {
        let old = try #require(SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let new = try #require(SigningSecret(SigningSecret.generate()))
        let body = Array("{}".utf8)
        let signedWithNew = WebhookSignature.sign(webhookID: "m", timestamp: "1", body: body, secret: new)
        #expect(
            WebhookSignature.verify(
                header: signedWithNew, webhookID: "m", timestamp: "1", body: body, secrets: [old, new]))
        #expect(
            !WebhookSignature.verify(header: signedWithNew, webhookID: "m", timestamp: "1", body: body, secrets: [old]))
        // A different id or timestamp changes what is signed.
        #expect(
            !WebhookSignature.verify(header: signedWithNew, webhookID: "m2", timestamp: "1", body: body, secrets: [new])
        )
        #expect(
            !WebhookSignature.verify(header: signedWithNew, webhookID: "m", timestamp: "2", body: body, secrets: [new]))
    }

    @Test(arguments: [
        "", "whsec_", "whsec_!!!!", "whsec_" + Base64.encode(Array(repeating: 1, count: 15)),
        "whsec_" + Base64.encode(Array(repeating: 1, count: 76)),
    ])
    func secretsThatAreNotBase64OrHaveTheWrongLengthAreRefused(_ text: String) {
        #expect(SigningSecret(text) == nil)
    }

    @Test func generatedSecretsCarryThirtyTwoRandomBytes() throws {
        let first = SigningSecret.generate()
        #expect(first.hasPrefix("whsec_"))
        #expect(Base64.decode(first.dropFirst(6))?.count == 32)
        #expect(first != SigningSecret.generate())
    }
}

@Suite("Digests and encodings")
struct DigestTests {
    @Test func sha256MatchesTheKnownDigestOfABC() {
        #expect(SHA256.hexDigest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hmacMatchesRFC4231TestCase2() {
        let code = HMACKey(Array("Jefe".utf8)).authenticationCode(for: [
            Array("what do ya want ".utf8), Array("for nothing?".utf8),
        ])
        #expect(Hex.encode(code) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func base64RoundTripsEveryLength() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = Base64.encode(bytes)
            #expect(encoded == Data(bytes).base64EncodedString())
            #expect(Base64.decode(encoded) == bytes)
            #expect(Base64.decode(encoded.replacingOccurrences(of: "=", with: "")) == bytes)
        }
        #expect(Base64.decode("a") == nil)
        #expect(Base64.decode("ab$d") == nil)
        #expect(Base64.decode("ab===") == nil)
    }

    @Test func constantTimeEqualityComparesWholeValues() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
    }
}
