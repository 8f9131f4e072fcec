import Foundation
import Security
import Storage
import Testing

/// One test per row of the contract's outcome table, over real HTTP against the real server:
/// status, `code`, headers, and the audit record the refusal left (or the row a 201 stored).
@Suite("Security outcomes over HTTP")
struct SecurityOutcomeTests {
    static let limitedKey = "gw_key_test_limited_000000000000000000000000000"
    static let disabledKey = "gw_key_test_disabled_00000000000000000000000000"
    static let subscribedKey = "gw_key_test_subscribed_000000000000000000000000"

    static func keys() -> KeysFile {
        TestCredentials.keysFile(clients: [
            TestCredentials.client(),
            TestCredentials.client(id: "clinic-limited", apiKey: limitedKey, apiKeyID: "key_l", rateLimit: (1, 2)),
            TestCredentials.client(id: "clinic-disabled", apiKey: disabledKey, apiKeyID: "key_d", disabled: true),
            TestCredentials.client(
                id: "clinic-subscribed", apiKey: subscribedKey, apiKeyID: "key_s", eventTypes: ["appointment.scheduled"]
            ),
        ])
    }

    static func event(_ type: String = "appointment.scheduled", appointment: String = "apt-1") -> String {
        #"{"event_type":"\#(type)","appointment_id":"\#(appointment)","patient_id":"pat-1","timestamp":"2025-01-10T12:30:00Z"}"#
    }

    /// Sends a request with a unique X-Request-ID so its audit record can be found.
    static func post(
        _ gateway: GatewayProcess, body: String = event(), apiKey: String? = TestCredentials.apiKey,
        signature: [(String, String)]? = nil, extra: [(String, String)] = [], contentType: String = "application/json"
    ) throws -> (TestResponse, String) {
        let requestID = "req-" + UUID().uuidString
        let bytes = Array(body.utf8)
        var headers = [("Content-Type", contentType), ("X-Request-ID", requestID)]
        if let apiKey { headers.append(("X-API-Key", apiKey)) }
        headers += signature ?? TestCredentials.signatureHeaders(body: bytes)
        let response = try TestHTTPClient.send(
            port: gateway.port, method: "POST", path: "/webhook/appointment", headers: headers + extra, body: bytes)
        return (response, requestID)
    }

    /// The audit record's code for `requestID`, or nil when none was stored.
    static func auditedCode(_ gateway: GatewayProcess, _ requestID: String) throws -> String? {
        try SQLiteConnection(path: gateway.databasePath)
            .scalar("SELECT code FROM rejections WHERE request_id = ?", [.text(requestID)])?.text
    }

    static func expectRefusal(
        _ gateway: GatewayProcess, _ outcome: (TestResponse, String), status: Int, code: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (response, requestID) = outcome
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.json["code"] as? String == code, sourceLocation: sourceLocation)
        #expect(response.json["status"] as? String == "error", sourceLocation: sourceLocation)
        #expect(response.json["request_id"] as? String == requestID, sourceLocation: sourceLocation)
        #expect(response.header("X-Request-ID") == requestID, sourceLocation: sourceLocation)
        #expect(try auditedCode(gateway, requestID) == code, "audit record", sourceLocation: sourceLocation)
    }

    static func rowCount(_ gateway: GatewayProcess) throws -> Int64 {
        try SQLiteConnection(path: gateway.databasePath).scalar("SELECT count(*) FROM appointment_events")?.integer
            ?? -1
    }

    @Test func aSignedEventIsStoredWithRateLimitHeadersAndNoAuditRecord() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let (response, requestID) = try Self.post(gateway)
        #expect(response.status == 201)
        #expect(response.header("RateLimit-Policy") == #""default";q=1000;w=1"#)
        #expect(response.header("RateLimit") == #""default";r=999;t=0"#)
        #expect(try Self.auditedCode(gateway, requestID) == nil)
        let row = try SQLiteConnection(path: gateway.databasePath).query(
            "SELECT client_id, webhook_id, idempotency_key, request_id FROM appointment_events")
        #expect(row.count == 1)
        #expect(row.first?[0].text == TestCredentials.clientID)
        #expect(row.first?[1].text == row.first?[2].text)
        #expect(row.first?[3].text == requestID)
    }

    @Test func aResignedRetryGetsTheOriginalAnswerReplayedAndNothingStoredTwice() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let body = Array(Self.event().utf8)
        let first = try Self.post(gateway, signature: TestCredentials.signatureHeaders(body: body, id: "msg_retry_1"))
        #expect(first.0.status == 201)
        let retry = try Self.post(
            gateway,
            signature: TestCredentials.signatureHeaders(
                body: body, id: "msg_retry_1", timestamp: Int(Date().timeIntervalSince1970) + 1))
        #expect(retry.0.status == 201)
        #expect(retry.0.header("Idempotent-Replayed") == "true")
        #expect(retry.0.text == first.0.text)
        #expect(try Self.auditedCode(gateway, retry.1) == nil)
        #expect(try Self.rowCount(gateway) == 1)
        // An explicit Idempotency-Key beats webhook-id.
        let keyed = try Self.post(gateway, extra: [("Idempotency-Key", "order-7")])
        let keyedRetry = try Self.post(gateway, extra: [("Idempotency-Key", "order-7")])
        #expect(keyed.0.status == 201)
        #expect(keyedRetry.0.header("Idempotent-Replayed") == "true")
        #expect(try Self.rowCount(gateway) == 2)
    }

    @Test func malformedSignatureOrIdempotencyHeadersAre400() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let body = Array(Self.event().utf8)
        let now = String(Int(Date().timeIntervalSince1970))
        let cases: [[(String, String)]] = [
            [("webhook-id", "msg.1"), ("webhook-timestamp", now), ("webhook-signature", "v1,abc")],
            [("webhook-id", "msg_1"), ("webhook-timestamp", "12a4"), ("webhook-signature", "v1,abc")],
            [("webhook-id", "msg_1"), ("webhook-timestamp", "-5"), ("webhook-signature", "v1,abc")],
            [("webhook-id", "msg_1"), ("webhook-timestamp", "1234567890123"), ("webhook-signature", "v1,abc")],
            [("webhook-id", ""), ("webhook-timestamp", now), ("webhook-signature", "v1,abc")],
            [
                ("webhook-id", String(repeating: "m", count: 256)), ("webhook-timestamp", now),
                ("webhook-signature", "v1,a"),
            ],
            [("webhook-id", "msg_1"), ("webhook-timestamp", now), ("webhook-signature", "")],
            TestCredentials.signatureHeaders(body: body) + [("Idempotency-Key", String(repeating: "k", count: 256))],
        ]
        for signature in cases {
            try Self.expectRefusal(
                gateway, try Self.post(gateway, signature: signature), status: 400, code: "malformed_headers")
        }
        #expect(try Self.rowCount(gateway) == 0)
    }

    @Test func missingOrUnknownAPIKeysAre401() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        try Self.expectRefusal(gateway, try Self.post(gateway, apiKey: nil), status: 401, code: "missing_api_key")
        try Self.expectRefusal(
            gateway, try Self.post(gateway, apiKey: "gw_key_nope"), status: 401, code: "invalid_api_key")
        // A refusal before the rate-limit stage carries no rate-limit headers.
        #expect(try Self.post(gateway, apiKey: "gw_key_nope").0.header("RateLimit") == nil)
    }

    @Test func twentyFailedAuthenticationsBlockTheAddressEvenWithAValidKey() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        for _ in 0..<20 {
            #expect(try Self.post(gateway, apiKey: "gw_key_wrong").0.status == 401)
        }
        let blocked = try Self.post(gateway)
        try Self.expectRefusal(gateway, blocked, status: 429, code: "too_many_auth_failures")
        #expect(Int(blocked.0.header("Retry-After") ?? "") ?? 0 >= 1)
        let admin = try TestHTTPClient.adminGet(gateway.port, "/webhook/events")
        #expect(admin.status == 429)
        #expect(try Self.rowCount(gateway) == 0)
    }

    @Test func anyAbsentWebhookHeaderIs401MissingSignature() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let full = TestCredentials.signatureHeaders(body: Array(Self.event().utf8))
        for absent in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            let outcome = try Self.post(gateway, signature: full.filter { $0.0 != absent })
            try Self.expectRefusal(gateway, outcome, status: 401, code: "missing_signature")
            #expect((outcome.0.json["message"] as? String)?.contains(absent) == true)
        }
    }

    @Test func timestampsOutsideTheWindowEitherWayAre401() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let body = Array(Self.event().utf8)
        let now = Int(Date().timeIntervalSince1970)
        for offset in [-400, 400] {
            let outcome = try Self.post(
                gateway, signature: TestCredentials.signatureHeaders(body: body, timestamp: now + offset))
            try Self.expectRefusal(gateway, outcome, status: 401, code: "timestamp_out_of_window")
        }
        for offset in [-250, 250] {
            let outcome = try Self.post(
                gateway, signature: TestCredentials.signatureHeaders(body: body, timestamp: now + offset))
            #expect(outcome.0.status == 201, "offset \(offset)")
        }
    }

    @Test func aWrongOrMalformedSignatureIs401SignatureMismatch() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let body = Array(Self.event().utf8)
        let otherSecret = SigningSecret.generate()
        let wrong = TestCredentials.signatureHeaders(body: body, secret: otherSecret)
        try Self.expectRefusal(
            gateway, try Self.post(gateway, signature: wrong), status: 401, code: "signature_mismatch")
        let now = String(Int(Date().timeIntervalSince1970))
        for entries in ["v1,", "v1,!!!notbase64", "v1,g0hM9SsE", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="] {
            let signature = [("webhook-id", "msg_x"), ("webhook-timestamp", now), ("webhook-signature", entries)]
            try Self.expectRefusal(
                gateway, try Self.post(gateway, signature: signature), status: 401, code: "signature_mismatch")
        }
        // One byte changed after signing.
        let tampered = Self.event(appointment: "apt-2")
        try Self.expectRefusal(
            gateway, try Self.post(gateway, body: tampered, signature: TestCredentials.signatureHeaders(body: body)),
            status: 401, code: "signature_mismatch")
        #expect(try Self.rowCount(gateway) == 0)
    }

    @Test func aDisabledClientIs403WithoutRateLimitHeaders() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let outcome = try Self.post(gateway, apiKey: Self.disabledKey)
        try Self.expectRefusal(gateway, outcome, status: 403, code: "client_disabled")
        #expect(outcome.0.header("RateLimit") == nil)
        let record = try SQLiteConnection(path: gateway.databasePath).query(
            "SELECT client_id, api_key_id FROM rejections WHERE request_id = ?", [.text(outcome.1)]
        ).first
        #expect(record?[0].text == "clinic-disabled")
        #expect(record?[1].text == "key_d")
    }

    @Test func anEventTypeOutsideTheSubscriptionIs403() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let refused = try Self.post(gateway, body: Self.event("appointment.cancelled"), apiKey: Self.subscribedKey)
        try Self.expectRefusal(gateway, refused, status: 403, code: "event_type_not_allowed")
        #expect(try Self.post(gateway, apiKey: Self.subscribedKey).0.status == 201)
    }

    @Test func theExactSameAttemptAgainIs409ReplayWithTheOriginalEventID() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let signature = TestCredentials.signatureHeaders(body: Array(Self.event().utf8))
        let first = try Self.post(gateway, signature: signature)
        #expect(first.0.status == 201)
        let copy = try Self.post(gateway, signature: signature)
        try Self.expectRefusal(gateway, copy, status: 409, code: "replay_detected")
        #expect(copy.0.json["event_id"] as? Int == first.0.json["event_id"] as? Int)
        #expect(try Self.rowCount(gateway) == 1)
    }

    @Test func theSameKeyWithAnotherBodyIs422IdempotencyKeyReused() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let first = Array(Self.event().utf8)
        #expect(
            try Self.post(gateway, signature: TestCredentials.signatureHeaders(body: first, id: "msg_k")).0.status
                == 201)
        let other = Self.event(appointment: "apt-other")
        let reused = try Self.post(
            gateway, body: other,
            signature: TestCredentials.signatureHeaders(
                body: Array(other.utf8), id: "msg_k", timestamp: Int(Date().timeIntervalSince1970) + 1))
        try Self.expectRefusal(gateway, reused, status: 422, code: "idempotency_key_reused")
        #expect(try Self.rowCount(gateway) == 1)
    }

    @Test func aKeyStillBeingCommittedIs409InFlight() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        #expect(try Self.post(gateway).0.status == 201)  // schema and connections warmed up
        let body = Array(Self.event(appointment: "apt-slow").utf8)
        // Another process holds the write lock, so the first delivery waits inside its commit.
        let holder = try SQLiteConnection(path: gateway.databasePath)
        try holder.execute("BEGIN EXCLUSIVE")
        let port = gateway.port
        @Sendable func send(_ attempt: Int) -> Int {
            let signature = TestCredentials.signatureHeaders(
                body: body, id: "msg_slow", timestamp: Int(Date().timeIntervalSince1970) + attempt)
            return (try? TestHTTPClient.postSigned(port, body: body, signature: signature))?.status ?? 0
        }
        let first = StatusBox()
        let second = StatusBox()
        let done = DispatchSemaphore(value: 0)
        Thread {
            first.value = send(0)
            done.signal()
        }.start()
        usleep(300_000)
        Thread {
            second.value = send(1)
            done.signal()
        }.start()
        // The second answer waits for its audit record, which waits for the lock too.
        usleep(300_000)
        try holder.execute("ROLLBACK")
        done.wait()
        done.wait()
        let outcomes = [first.value, second.value]
        #expect(outcomes == [201, 409])
        #expect(try Self.rowCount(gateway) == 2)
    }

    @Test func oversizedUntypedAndInvalidBodiesAreAudited() throws {
        let gateway = try GatewayProcess(keys: Self.keys(), environment: ["WEBHOOK_MAX_BODY_BYTES": "512"])
        defer { gateway.stop() }
        let big = "{\"notes\":\"" + String(repeating: "x", count: 600) + "\"}"
        try Self.expectRefusal(gateway, try Self.post(gateway, body: big), status: 413, code: "payload_too_large")
        try Self.expectRefusal(
            gateway, try Self.post(gateway, contentType: "text/plain"), status: 415, code: "unsupported_media_type")
        let invalid = try Self.post(gateway, body: #"{"event_type":"appointment.scheduled"}"#)
        try Self.expectRefusal(gateway, invalid, status: 422, code: "validation_failed")
        let record = try SQLiteConnection(path: gateway.databasePath).query(
            "SELECT body_size, body_sha256, webhook_id, method, path, status FROM rejections WHERE request_id = ?",
            [.text(invalid.1)]
        ).first
        #expect(record?[0].integer == Int64(#"{"event_type":"appointment.scheduled"}"#.utf8.count))
        #expect(record?[1].text == SHA256.hexDigest(#"{"event_type":"appointment.scheduled"}"#))
        #expect(record?[2].text?.hasPrefix("msg_") == true)
        #expect(record?[3].text == "POST" && record?[4].text == "/webhook/appointment" && record?[5].integer == 422)
    }

    @Test func anEmptyBucketIs429WithRateLimitHeaders() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let first = try Self.post(gateway, apiKey: Self.limitedKey)
        #expect(first.0.status == 201)
        #expect(first.0.header("RateLimit-Policy") == #""default";q=2;w=2"#)
        #expect(first.0.header("RateLimit") == #""default";r=1;t=0"#)
        _ = try Self.post(gateway, apiKey: Self.limitedKey)
        let limited = try Self.post(gateway, apiKey: Self.limitedKey)
        try Self.expectRefusal(gateway, limited, status: 429, code: "rate_limited")
        #expect(limited.0.header("Retry-After") == "1")
        #expect(limited.0.header("RateLimit") == #""default";r=0;t=1"#)
        #expect(limited.0.header("RateLimit-Policy") == #""default";q=2;w=2"#)
        // Another client's bucket is its own.
        #expect(try Self.post(gateway).0.status == 201)
    }

    @Test func adminRoutesNeedABearerTokenAndRefusalsAreAudited() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        for path in [
            "/webhook/events", "/webhook/events/1", "/admin/rejections", "/admin/rejections/summary", "/admin/x",
        ] {
            let requestID = "req-" + UUID().uuidString
            let missing = try TestHTTPClient.send(
                port: gateway.port, method: "GET", path: path, headers: [("X-Request-ID", requestID)])
            #expect(missing.status == 401, "\(path)")
            #expect(missing.json["code"] as? String == "invalid_admin_token")
            #expect(try Self.auditedCode(gateway, requestID) == "invalid_admin_token")
            #expect(try TestHTTPClient.adminGet(gateway.port, path, token: "gw_admin_wrong").status == 401)
        }
        #expect(try TestHTTPClient.adminGet(gateway.port, "/admin/x").status == 404)
        #expect(try TestHTTPClient.adminGet(gateway.port, "/webhook/events").status == 200)
        // Health stays public.
        #expect(try TestHTTPClient.send(port: gateway.port, method: "GET", path: "/").status == 200)
    }

    @Test func reviewersListAndSummariseRejections() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        _ = try Self.post(gateway, apiKey: nil)
        _ = try Self.post(gateway, apiKey: "gw_key_nope")
        _ = try Self.post(gateway, apiKey: "gw_key_nope")
        _ = try Self.post(gateway, apiKey: Self.disabledKey)
        let list = try TestHTTPClient.adminGet(gateway.port, "/admin/rejections?limit=2")
        #expect(list.status == 200)
        let page = try #require(list.json["rejections"] as? [[String: Any]])
        #expect(page.count == 2)
        #expect(page.first?["code"] as? String == "client_disabled")
        for field in [
            "id", "occurred_at", "request_id", "client_id", "api_key_id", "remote_addr", "method", "path", "status",
            "code",
            "message", "webhook_id", "body_size", "body_sha256", "prev_hash", "hash",
        ] {
            #expect(page.first?.keys.contains(field) == true, "\(field)")
        }
        let cursor = try #require(list.json["next_cursor"] as? String)
        let next = try TestHTTPClient.adminGet(gateway.port, "/admin/rejections?limit=2&cursor=\(cursor)")
        #expect(
            (next.json["rejections"] as? [[String: Any]])?.map { $0["code"] as? String } == [
                "invalid_api_key", "missing_api_key",
            ])
        let filtered = try TestHTTPClient.adminGet(gateway.port, "/admin/rejections?code=missing_api_key")
        #expect((filtered.json["rejections"] as? [Any])?.count == 1)
        let byClient = try TestHTTPClient.adminGet(gateway.port, "/admin/rejections?client_id=clinic-disabled")
        #expect((byClient.json["rejections"] as? [Any])?.count == 1)
        let summary = try TestHTTPClient.adminGet(gateway.port, "/admin/rejections/summary")
        #expect(summary.json["total"] as? Int == 4)
        let byCode = try #require(summary.json["by_code"] as? [[String: Any]])
        #expect(byCode.first?["code"] as? String == "invalid_api_key" && byCode.first?["count"] as? Int == 2)
        let clients = try #require(summary.json["by_client"] as? [[String: Any]])
        #expect(clients.first?["client_id"] is NSNull && clients.first?["count"] as? Int == 3)
        let empty = try TestHTTPClient.adminGet(gateway.port, "/admin/rejections/summary?since=2100-01-01T00:00:00Z")
        #expect(empty.json["total"] as? Int == 0)
        let bad = try TestHTTPClient.adminGet(gateway.port, "/admin/rejections?limit=0")
        #expect(bad.status == 422)
    }

    @Test func anythingElseIsAGeneric500WithNoInternalsAndAnErrorLog() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        #expect(try Self.post(gateway).0.status == 201)
        // Another process breaks the schema under the running server: not a storage outage,
        // a fault the gateway cannot classify.
        try SQLiteConnection(path: gateway.databasePath).execute("DROP TABLE idempotency_records")
        let (response, requestID) = try Self.post(gateway)
        #expect(response.status == 500)
        #expect(response.json["code"] as? String == "internal_error")
        #expect(response.json["request_id"] as? String == requestID)
        let message = response.json["message"] as? String ?? ""
        #expect(!message.contains("idempotency_records") && !message.lowercased().contains("sqlite"))
        #expect(try Self.auditedCode(gateway, requestID) == nil)
        usleep(200_000)
        #expect(gateway.consoleOutput.contains("ERROR - Request failed (status=500, code=internal_error"))
    }

    @Test func framingAndMethodRefusalsOnTheIngestRouteAreAudited() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        defer { gateway.stop() }
        let framing = try TestHTTPClient.exchange(
            port: gateway.port,
            raw: Array(
                "POST /webhook/appointment HTTP/1.1\r\nHost: x\r\nX-Request-ID: req-framing\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
                    .utf8))
        #expect(framing.status == 400)
        #expect(try Self.auditedCode(gateway, "req-framing") == "malformed_request")
        let method = try TestHTTPClient.send(
            port: gateway.port, method: "GET", path: "/webhook/appointment", headers: [("X-Request-ID", "req-method")])
        #expect(method.status == 405 && method.header("Allow") == "POST")
        #expect(try Self.auditedCode(gateway, "req-method") == "method_not_allowed")
        // Outside the ingest and admin routes a 404 is answered but not audited.
        let missing = try TestHTTPClient.send(
            port: gateway.port, method: "GET", path: "/nowhere", headers: [("X-Request-ID", "req-missing")])
        #expect(missing.status == 404)
        #expect(try Self.auditedCode(gateway, "req-missing") == nil)
    }

    @Test func theWarningLogLineCarriesTheAuditHashAndNoSecrets() throws {
        let gateway = try GatewayProcess(keys: Self.keys())
        let outcome = try Self.post(gateway, apiKey: "gw_key_should_not_be_logged")
        gateway.stop()
        let hash = try SQLiteConnection(path: gateway.databasePath)
            .scalar("SELECT hash FROM rejections WHERE request_id = ?", [.text(outcome.1)])?.text
        let log = try String(contentsOfFile: gateway.logPath, encoding: .utf8)
        #expect(log.contains("audit_hash=\(try #require(hash))"))
        #expect(!log.contains("gw_key_should_not_be_logged"))
        #expect(!log.contains(TestCredentials.apiKey))
        #expect(!log.contains(TestCredentials.secret))
    }
}

/// A status written by one thread and read after it signalled.
final class StatusBox: @unchecked Sendable {
    // Safe: written once before a semaphore signal, read after the wait.
    var value = 0
}
