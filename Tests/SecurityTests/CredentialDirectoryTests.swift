import Foundation
import Security
import Testing

@Suite("Keys file and credential lookups")
struct CredentialDirectoryTests {
    static let apiKey = "gw_key_unit_test_key_000000000000000000000000"
    static let token = "gw_admin_unit_test_000000000000000000000000"

    static func file(keyExpiresAt: String? = nil, secretExpiresAt: String? = nil) -> KeysFile {
        KeysFile(
            clients: [
                KeysFile.Client(
                    id: "acme-clinic", eventTypes: ["appointment.scheduled"],
                    apiKeys: [
                        KeysFile.HashedCredential(id: "k1", sha256: SHA256.hexDigest(apiKey), expiresAt: keyExpiresAt)
                    ],
                    signingSecrets: [
                        KeysFile.StoredSigningSecret(
                            id: "s1", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", expiresAt: secretExpiresAt),
                        KeysFile.StoredSigningSecret(id: "s2", secret: SigningSecret.generate()),
                    ])
            ],
            adminTokens: [KeysFile.HashedCredential(id: "ops", sha256: SHA256.hexDigest(token))])
    }

    static let expiry = "2026-06-01T12:00:00Z"
    static let expiryMilliseconds = ISO8601DateTime(expiry)!.millisecondsSince1970

    @Test func aKeyIsAcceptedOneSecondBeforeExpiryAndRefusedOneSecondAfter() {
        let directory = CredentialDirectory(Self.file(keyExpiresAt: Self.expiry))
        guard
            case .authenticated(let client, let keyID) = directory.authenticate(
                apiKey: Self.apiKey, at: Self.expiryMilliseconds - 1000)
        else {
            Issue.record("refused before expiry")
            return
        }
        #expect(client.id == "acme-clinic" && keyID == "k1")
        guard
            case .invalid(let clientID, let expiredKeyID) = directory.authenticate(
                apiKey: Self.apiKey, at: Self.expiryMilliseconds + 1000)
        else {
            Issue.record("accepted after expiry")
            return
        }
        #expect(clientID == "acme-clinic" && expiredKeyID == "k1")
    }

    @Test func unknownKeysAndTokensAreRefused() {
        let directory = CredentialDirectory(Self.file())
        guard case .invalid(nil, nil) = directory.authenticate(apiKey: "gw_key_other", at: 0) else {
            Issue.record("unknown key accepted")
            return
        }
        #expect(directory.authenticateAdmin(token: Self.token, at: 0) == "ops")
        #expect(directory.authenticateAdmin(token: Self.token + "x", at: 0) == nil)
    }

    @Test func expiredSigningSecretsAreNoLongerActive() throws {
        let directory = CredentialDirectory(Self.file(secretExpiresAt: Self.expiry))
        let client = try #require(directory.client(id: "acme-clinic"))
        #expect(client.activeSecrets(at: Self.expiryMilliseconds - 1).count == 2)
        #expect(client.activeSecrets(at: Self.expiryMilliseconds).count == 1)
        #expect(client.isSubscribed(to: "appointment.scheduled"))
        #expect(!client.isSubscribed(to: "appointment.cancelled"))
    }

    @Test func theFileRoundTripsThroughItsJSONForm() throws {
        let file = Self.file(keyExpiresAt: Self.expiry)
        let text = String(decoding: file.encoded(), as: UTF8.self)
        #expect(text.contains("\"expires_at\" : null"))
        #expect(try KeysFile.parse(file.encoded()) == file)
    }

    @Test func theDocumentedExampleParses() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("keys.example")
        let file = try KeysFile.parse(Data(contentsOf: example))
        #expect(file.clients.first?.id == "acme-clinic")
        #expect(file.clients.first?.rateLimit == KeysFile.RateLimit(perSecond: 50, burst: 100))
        #expect(file.adminTokens.first?.id == "ops")
    }

    @Test(arguments: [
        (#"{"clients":[{"id":"has space"}]}"#, "client id"),
        (#"{"clients":[{"id":"a"},{"id":"a"}]}"#, "twice"),
        (#"{"clients":[{"id":"a","api_keys":[{"id":"k","sha256":"ABC"}]}]}"#, "sha256"),
        (#"{"clients":[{"id":"a","signing_secrets":[{"id":"s","secret":"whsec_short"}]}]}"#, "signing secret"),
        (#"{"clients":[{"id":"a","event_types":["appointment.deleted"]}]}"#, "unknown event type"),
        (#"{"clients":[{"id":"a","rate_limit":{"per_second":0,"burst":1}}]}"#, "rate_limit"),
        (
            #"{"clients":[{"id":"a","api_keys":[{"id":"k","sha256":"\#(String(repeating: "a", count: 64))","expires_at":"tomorrow"}]}]}"#,
            "expires_at"
        ),
        (#"{"clients":"#, "JSON"),
        (#"{"clients":[{"disabled":true}]}"#, "missing id"),
    ])
    func invalidFilesAreRefusedWithAMessageNamingTheProblem(_ text: String, _ expected: String) {
        #expect {
            try KeysFile.parse(Data(text.utf8))
        } throws: { error in
            (error as? KeysFileError)?.description.contains(expected) == true
        }
    }
}
