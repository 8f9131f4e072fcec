import Foundation
import Security
import Storage
import Testing

@testable import Gateway

/// Each security stage alone, with a stub `next`: it refuses, passes, or updates the context.
@Suite("Security stages")
struct SecurityMiddlewareTests {
    static let body = Array(#"{"event_type":"appointment.scheduled"}"#.utf8)
    static let fixedNow = 1_800_000_000.0
    static let time = TimeSource { fixedNow }

    static func context() -> RequestContext {
        RequestContext(requestID: "r", receivedAt: Date(), logger: Logger(sink: .discarding()))
    }

    static func request(_ headers: [(String, String)] = [], body: [UInt8] = body, address: String = "10.1.1.1")
        -> Request
    {
        Request(
            method: "POST", path: "/webhook/appointment", headers: HTTPHeaders(headers), body: body,
            remoteAddress: address)
    }

    static func credentials(_ file: KeysFile = TestCredentials.keysFile()) throws -> CredentialsProvider {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("keys.json").path
        try TestCredentials.write(file, to: path)
        return try CredentialsProvider(path: path, logger: Logger(sink: .discarding()))
    }

    static func authenticated(_ file: KeysFile = TestCredentials.keysFile()) throws -> RequestContext {
        var context = context()
        guard
            case .authenticated(let client, _) = try credentials(file).directory.authenticate(
                apiKey: TestCredentials.apiKey, at: 0)
        else { throw CocoaError(.featureUnsupported) }
        context.client = client
        return context
    }

    static func signed(_ context: RequestContext, timestamp: Int = Int(fixedNow), id: String = "msg_1") throws
        -> (Request, RequestContext)
    {
        let headers = TestCredentials.signatureHeaders(body: body, id: id, timestamp: timestamp)
        let request = Self.request(headers)
        var context = context
        context.delivery = try SignedDelivery(
            webhookID: id, timestamp: String(timestamp), signature: headers[2].1, idempotencyKey: nil)
        return (request, context)
    }

    @Test func apiKeyAuthenticationSetsTheClientOrRefuses() async throws {
        let middleware = APIKeyAuthenticationMiddleware(credentials: try Self.credentials(), time: Self.time)
        let stub = StubNext()
        _ = try await middleware.handle(
            Self.request([("X-API-Key", TestCredentials.apiKey)]), context: Self.context(), next: stub.next)
        #expect(stub.reached?.client?.id == TestCredentials.clientID)
        await #expect(throws: SecurityError.missingAPIKey) {
            try await middleware.handle(Self.request(), context: Self.context(), next: StubNext().next)
        }
        await #expect(throws: SecurityError.invalidAPIKey) {
            try await middleware.handle(
                Self.request([("X-API-Key", "nope")]), context: Self.context(), next: StubNext().next)
        }
        let disabled = APIKeyAuthenticationMiddleware(
            credentials: try Self.credentials(
                TestCredentials.keysFile(clients: [TestCredentials.client(disabled: true)])),
            time: Self.time)
        let context = Self.context()
        await #expect(throws: SecurityError.clientDisabled) {
            try await disabled.handle(
                Self.request([("X-API-Key", TestCredentials.apiKey)]), context: context, next: StubNext().next)
        }
        #expect(context.trace.caller.clientID == TestCredentials.clientID)
    }

    @Test func theThrottleCountsAuthenticationFailuresAndThenRefuses() async throws {
        let throttle = FailedAuthenticationThrottleMiddleware(
            throttle: FailedAuthenticationThrottle(limit: 2), time: Self.time)
        for _ in 0..<2 {
            await #expect(throws: SecurityError.invalidAPIKey) {
                try await throttle.handle(Self.request(), context: Self.context()) { _, _ in
                    throw SecurityError.invalidAPIKey
                }
            }
        }
        let stub = StubNext()
        await #expect(throws: SecurityError.tooManyAuthenticationFailures(retryAfterSeconds: 60)) {
            try await throttle.handle(Self.request(), context: Self.context(), next: stub.next)
        }
        #expect(stub.reached == nil)
        _ = try await throttle.handle(Self.request(address: "10.2.2.2"), context: Self.context(), next: stub.next)
        #expect(stub.reached != nil)
    }

    @Test func rateLimitSetsHeadersOnTheTraceAndRefusesAnEmptyBucket() async throws {
        let middleware = RateLimitMiddleware(
            limiter: TokenBucketLimiter(), defaultLimit: KeysFile.RateLimit(perSecond: 1, burst: 1), time: Self.time)
        let context = try Self.authenticated(
            TestCredentials.keysFile(clients: [TestCredentials.client(rateLimit: nil)]))
        _ = try await middleware.handle(Self.request(), context: context, next: StubNext().next)
        #expect(context.trace.responseHeaders["RateLimit"] == #""default";r=0;t=1"#)
        #expect(context.trace.responseHeaders["RateLimit-Policy"] == #""default";q=1;w=1"#)
        await #expect(throws: SecurityError.rateLimited(retryAfterSeconds: 1)) {
            try await middleware.handle(Self.request(), context: context, next: StubNext().next)
        }
    }

    @Test func signatureHeadersAreParsedIntoTheContext() async throws {
        let stub = StubNext()
        _ = try await SignatureHeadersMiddleware().handle(
            Self.request([
                ("webhook-id", "msg_9"), ("webhook-timestamp", "123"), ("webhook-signature", "v1,x"),
                ("Idempotency-Key", "k-1"),
            ]), context: Self.context(), next: stub.next)
        #expect(stub.reached?.delivery?.idempotencyKey == "k-1")
        #expect(stub.reached?.delivery?.timestampSeconds == 123)
        await #expect(throws: SecurityError.missingSignature(header: "webhook-id")) {
            try await SignatureHeadersMiddleware().handle(
                Self.request(), context: Self.context(), next: StubNext().next)
        }
    }

    @Test func theTimestampWindowIsInclusiveOfTheTolerance() async throws {
        let window = TimestampWindowMiddleware(toleranceSeconds: 300, time: Self.time)
        for offset in [-300, 0, 300] {
            let (request, context) = try Self.signed(try Self.authenticated(), timestamp: Int(Self.fixedNow) + offset)
            _ = try await window.handle(request, context: context, next: StubNext().next)
        }
        for offset in [-301, 301] {
            let (request, context) = try Self.signed(try Self.authenticated(), timestamp: Int(Self.fixedNow) + offset)
            await #expect(throws: SecurityError.timestampOutOfWindow(toleranceSeconds: 300)) {
                try await window.handle(request, context: context, next: StubNext().next)
            }
        }
    }

    @Test func signatureVerificationPassesTheRightSecretOnly() async throws {
        let (request, context) = try Self.signed(try Self.authenticated())
        let stub = StubNext()
        _ = try await SignatureVerificationMiddleware(time: Self.time).handle(
            request, context: context, next: stub.next)
        #expect(stub.reached != nil)
        var tampered = request
        tampered.body.append(32)
        await #expect(throws: SecurityError.signatureMismatch) {
            try await SignatureVerificationMiddleware(time: Self.time).handle(
                tampered, context: context, next: StubNext().next)
        }
    }

    @Test func replayGuardAndIdempotencyUseTheLedger() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
        let store = try SQLiteEventStore(
            configuration: .init(path: directory.appendingPathComponent("db").path), hasher: { SHA256.hexDigest($0) })
        let (request, context) = try Self.signed(try Self.authenticated())
        let stub = StubNext()
        _ = try await ReplayGuardMiddleware(ledger: store).handle(request, context: context, next: stub.next)
        #expect(stub.reached != nil)
        let inFlight = InFlightKeys()
        let idempotency = IdempotencyMiddleware(ledger: store, inFlight: inFlight, time: Self.time)
        // While a request holds the key, another is refused; the claim is released afterwards.
        _ = try await idempotency.handle(request, context: context) { request, context in
            await #expect(throws: SecurityError.idempotencyInFlight) {
                try await idempotency.handle(request, context: context, next: StubNext().next)
            }
            return Response(status: 204)
        }
        #expect(inFlight.count == 0)
        // Once stored, the same attempt is a replay and a re-signed one is answered from the record.
        let eventID = try await StoreEventHandler(
            ledger: store, idempotencyTTLSeconds: 86400, time: Self.time
        ).respond(
            request,
            context: {
                var validated = context
                validated.event = AppointmentEvent(
                    eventType: "appointment.scheduled", appointmentID: "a", patientID: "p", timestamp: "t", notes: nil)
                return validated
            }())
        #expect(eventID.status == 201)
        await #expect(throws: SecurityError.replayDetected(eventID: 1)) {
            try await ReplayGuardMiddleware(ledger: store).handle(request, context: context, next: StubNext().next)
        }
        let (resigned, resignedContext) = try Self.signed(try Self.authenticated(), timestamp: Int(Self.fixedNow) + 1)
        let replayed = try await idempotency.handle(resigned, context: resignedContext, next: StubNext().next)
        #expect(replayed.status == 201)
        #expect(replayed.headers["Idempotent-Replayed"] == "true")
        var otherBody = resigned
        otherBody.body = Array("{}".utf8)
        await #expect(throws: SecurityError.idempotencyKeyReused) {
            try await idempotency.handle(otherBody, context: resignedContext, next: StubNext().next)
        }
        await store.shutdown()
    }

    @Test func subscriptionsRestrictEventTypes() async throws {
        var context = try Self.authenticated(
            TestCredentials.keysFile(clients: [TestCredentials.client(eventTypes: ["appointment.completed"])]))
        context.event = AppointmentEvent(
            eventType: "appointment.scheduled", appointmentID: "a", patientID: "p", timestamp: "t", notes: nil)
        await #expect(throws: SecurityError.eventTypeNotAllowed("appointment.scheduled")) {
            try await SubscriptionMiddleware().handle(Self.request(), context: context, next: StubNext().next)
        }
        context.event?.eventType = "appointment.completed"
        let stub = StubNext()
        _ = try await SubscriptionMiddleware().handle(Self.request(), context: context, next: stub.next)
        #expect(stub.reached != nil)
    }

    @Test func adminAuthenticationNeedsABearerToken() async throws {
        let middleware = AdminAuthenticationMiddleware(credentials: try Self.credentials(), time: Self.time)
        let stub = StubNext()
        _ = try await middleware.handle(
            Self.request([("Authorization", "Bearer \(TestCredentials.adminToken)")]), context: Self.context(),
            next: stub.next)
        #expect(stub.reached != nil)
        for header in ["", "Bearer ", "Basic abc", "Bearer wrong", TestCredentials.adminToken] {
            await #expect(throws: SecurityError.invalidAdminToken) {
                try await middleware.handle(
                    Self.request([("Authorization", header)]), context: Self.context(), next: StubNext().next)
            }
        }
    }
}
