import Foundation
import Security
import Storage
import TestSupport
import Testing

@Suite("Rejection audit chain")
struct RejectionAuditTests {
    static func draft(_ index: Int, code: String = "invalid_api_key", client: String? = nil) -> RejectionRecord.Draft {
        RejectionRecord.Draft(
            occurredAt: String(format: "2026-12-03T10:%02d:00.000Z", index % 60), requestID: "req-\(index)",
            clientID: client, apiKeyID: nil, remoteAddress: "127.0.0.1", method: "POST", path: "/webhook/appointment",
            status: 401, code: code, message: "The API key is not valid \"quoted\"\n", webhookID: "msg_\(index)",
            bodySize: 10 + index, bodySHA256: SHA256.hexDigest("body \(index)"))
    }

    static func store(_ directory: TemporaryDirectory) throws -> SQLiteEventStore {
        try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
    }

    @Test func recordsAreChainedFromSixtyFourZeros() async throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        let first = try await store.recordRejection(Self.draft(1))
        let second = try await store.recordRejection(Self.draft(2))
        #expect(first.id == 1 && first.previousHash == String(repeating: "0", count: 64))
        #expect(second.previousHash == first.hash)
        #expect(first.hash == SHA256.hexDigest(first.canonicalJSON))
        #expect(try await store.verifyRejectionChain() == nil)
        await store.shutdown()
    }

    @Test func theCanonicalFormIsSortedCompactJSONWithoutTheHash() async throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        let record = try await store.recordRejection(Self.draft(3))
        let text = String(decoding: record.canonicalJSON, as: UTF8.self)
        #expect(text.hasPrefix(#"{"api_key_id":null,"body_sha256":""#))
        #expect(text.contains(#","message":"The API key is not valid \"quoted\"\n","#))
        #expect(!text.contains("\"hash\""))
        #expect(!text.contains(" :") && !text.contains(", "))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(record.canonicalJSON)) as? [String: Any])
        #expect(object.count == 15)
        await store.shutdown()
    }

    @Test func anEditedRecordIsFoundByTheChainCheck() async throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        for index in 1...5 { _ = try await store.recordRejection(Self.draft(index)) }
        let editor = try SQLiteConnection(path: directory.databasePath)
        try editor.query("UPDATE rejections SET remote_addr = '10.9.9.9' WHERE id = 3")
        #expect(try await store.verifyRejectionChain()?.recordID == 3)
        await store.shutdown()
    }

    @Test func aDeletedRecordIsFoundByTheChainCheck() async throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        for index in 1...5 { _ = try await store.recordRejection(Self.draft(index)) }
        try SQLiteConnection(path: directory.databasePath).query("DELETE FROM rejections WHERE id = 2")
        #expect(try await store.verifyRejectionChain()?.recordID == 3)
        try SQLiteConnection(path: directory.databasePath).query("DELETE FROM rejections WHERE id = 1")
        let brokenHead = try await store.verifyRejectionChain()
        #expect(brokenHead?.recordID == 3)
        await store.shutdown()
    }

    @Test func aRecomputedHashWithoutRelinkingIsStillFound() async throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        for index in 1...3 { _ = try await store.recordRejection(Self.draft(index)) }
        // An attacker edits record 2 and recomputes its own hash; record 3's prev_hash breaks.
        var page = try await store.rejections(matching: RejectionQuery(limit: 10))
        var edited = try #require(page.records.first { $0.id == 2 })
        edited.code = "edited"
        let hash = SHA256.hexDigest(edited.canonicalJSON)
        try SQLiteConnection(path: directory.databasePath).query(
            "UPDATE rejections SET code = 'edited', hash = ? WHERE id = 2", [.text(hash)])
        #expect(try await store.verifyRejectionChain()?.recordID == 3)
        page = try await store.rejections(matching: RejectionQuery(code: "edited", limit: 10))
        #expect(page.records.count == 1)
        await store.shutdown()
    }

    @Test func listsFilterAndSummariesCountByCodeAndClient() async throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        for index in 1...6 {
            _ = try await store.recordRejection(
                Self.draft(
                    index, code: index % 2 == 0 ? "rate_limited" : "signature_mismatch", client: index < 5 ? "a" : nil))
        }
        let page = try await store.rejections(matching: RejectionQuery(code: "rate_limited", clientID: "a", limit: 10))
        #expect(page.records.map(\.id) == [4, 2])
        let windowed = try await store.rejections(
            matching: RejectionQuery(since: "2026-12-03T10:02:00.000Z", until: "2026-12-03T10:05:00.000Z", limit: 10))
        #expect(windowed.records.map(\.id) == [4, 3, 2])
        let summary = try await store.rejectionSummary(since: nil, until: nil)
        #expect(summary.total == 6)
        #expect(summary.byCode.map(\.code) == ["rate_limited", "signature_mismatch"])
        #expect(summary.byClient.first?.clientID == "a" && summary.byClient.first?.count == 4)
        #expect(summary.byClient.last?.clientID == nil && summary.byClient.last?.count == 2)
        await store.shutdown()
    }
}

@Suite("Delivery ledger")
struct DeliveryLedgerTests {
    static let attempt = DeliveryAttempt(clientID: "c", webhookID: "msg_1", webhookTimestamp: 1000)
    static let draft = IdempotencyRecord.Draft(key: "msg_1", fingerprint: "f1", createdAt: 1000, expiresAt: 87400)

    @Test func theEventIdempotencyRecordAndNonceCommitTogether() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        let id = try await store.storeDelivery(sampleEvent(1), attempt: Self.attempt, idempotency: Self.draft)
        #expect(try await store.answeredAttempt(Self.attempt) == AnsweredAttempt(eventID: id))
        let record = try #require(try await store.idempotencyRecord(clientID: "c", key: "msg_1", now: 2000))
        #expect(record.fingerprint == "f1" && record.status == 201 && record.eventID == id)
        #expect(record.responseBody == #"{"status":"success","message":"Event received","event_id":\#(id)}"#)
        #expect(try await store.idempotencyRecord(clientID: "other", key: "msg_1", now: 2000) == nil)
        await store.shutdown()
    }

    @Test func aDuplicateNonceRollsBackTheWholeDelivery() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        _ = try await store.storeDelivery(sampleEvent(1), attempt: Self.attempt, idempotency: Self.draft)
        var otherKey = Self.draft
        otherKey.key = "other-key"
        await #expect(throws: StorageError.duplicateAttempt) {
            try await store.storeDelivery(sampleEvent(2), attempt: Self.attempt, idempotency: otherKey)
        }
        let rows = try SQLiteConnection(path: directory.databasePath).scalar("SELECT count(*) FROM appointment_events")
        #expect(rows?.integer == 1)
        #expect(try await store.idempotencyRecord(clientID: "c", key: "other-key", now: 2000) == nil)
        await store.shutdown()
    }

    @Test func aFailingWriteInABatchIsUndoneAloneAndTheRestCommit() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        // Forty distinct deliveries and ten copies of one attempt, all at once: the copies after
        // the first fail on the nonce, inside batches whose other writes must still commit.
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let shared = index >= 40
                    let attempt = DeliveryAttempt(
                        clientID: "c", webhookID: shared ? "msg_same" : "msg_\(index)", webhookTimestamp: 1000)
                    let draft = IdempotencyRecord.Draft(
                        key: "key-\(index)", fingerprint: "f", createdAt: 1000, expiresAt: 2000)
                    return (try? await store.storeDelivery(sampleEvent(index), attempt: attempt, idempotency: draft))
                        != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 41)
        let connection = try SQLiteConnection(path: directory.databasePath)
        #expect(try connection.scalar("SELECT count(*) FROM appointment_events")?.integer == 41)
        #expect(try connection.scalar("SELECT count(*) FROM idempotency_records")?.integer == 41)
        #expect(try connection.scalar("SELECT count(*) FROM webhook_nonces")?.integer == 41)
        await store.shutdown()
    }

    @Test func pruningDeletesExactlyTheExpiredRowsInSlicesOfItsBatchSize() async throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(in: directory) { $0.pruneBatchSize = 3 }
        let attempts = (0..<10).map {
            DeliveryAttempt(clientID: "c", webhookID: "msg_\($0)", webhookTimestamp: 1000 + Int64($0))
        }
        for (index, attempt) in attempts.enumerated() {
            let draft = IdempotencyRecord.Draft(
                key: "key-\(index)", fingerprint: "f", createdAt: 1000, expiresAt: 2000 + Int64(index % 2))
            _ = try await store.storeDelivery(sampleEvent(index), attempt: attempt, idempotency: draft)
        }
        let writesBefore = store.writer.currentStatistics.writes
        // Nonces timestamped before 1005 (five) and records expired at 2000 (the five even ones).
        #expect(try await store.pruneExpired(now: 2000, noncesTimestampedBefore: 1005) == 10)
        // Slices of three, each its own write: nonces 3+2, records 3+2.
        #expect(store.writer.currentStatistics.writes - writesBefore == 4)
        for (index, attempt) in attempts.enumerated() {
            #expect((try await store.answeredAttempt(attempt) != nil) == (index >= 5))
            // Looked up at 1999, when none had expired yet: only the odd ones are still stored.
            let record = try await store.idempotencyRecord(clientID: "c", key: "key-\(index)", now: 1999)
            #expect((record != nil) == !index.isMultiple(of: 2))
        }
        #expect(try await store.pruneExpired(now: 2000, noncesTimestampedBefore: 1005) == 0)
        await store.shutdown()
    }

    @Test func pruningSlicesNoncesThatShareASecond() async throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(in: directory) { $0.pruneBatchSize = 3 }
        // Seven nonces share second 1000, two are at 1001, one at 1002 (inside the window).
        let timestamps: [Int64] = [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1001, 1001, 1002]
        let attempts = timestamps.enumerated().map {
            DeliveryAttempt(clientID: "c", webhookID: "msg_\($0.offset)", webhookTimestamp: $0.element)
        }
        for attempt in attempts { try await store.recordAnsweredAttempt(attempt, eventID: nil) }
        let writesBefore = store.writer.currentStatistics.writes
        #expect(try await store.pruneExpired(now: 0, noncesTimestampedBefore: 1002) == 9)
        // Three slices of three by full key, though seven share second 1000; then one
        // idempotency pass that finds nothing.
        #expect(store.writer.currentStatistics.writes - writesBefore == 4)
        for attempt in attempts {
            #expect((try await store.answeredAttempt(attempt) != nil) == (attempt.webhookTimestamp == 1002))
        }
        await store.shutdown()
    }

    @Test func migratingToTimeOrderedNoncesKeepsEveryRecordedAttempt() async throws {
        let directory = try TemporaryDirectory()
        let connection = try SQLiteConnection(path: directory.databasePath)
        for migration in SQLiteMigrations.all where migration.version <= 2 {
            try connection.execute(migration.sql)
        }
        try connection.execute("PRAGMA user_version = 2")
        try connection.execute(
            """
            INSERT INTO webhook_nonces (client_id, webhook_id, webhook_timestamp, event_id, expires_at)
            VALUES ('c', 'msg_old', 1000, 7, 1300), ('c', 'msg_unanswered', 1001, NULL, 1301)
            """)
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        #expect(try SQLiteMigrations.currentVersion(connection) == 3)
        #expect(
            try await store.answeredAttempt(.init(clientID: "c", webhookID: "msg_old", webhookTimestamp: 1000))
                == AnsweredAttempt(eventID: 7))
        #expect(
            try await store.answeredAttempt(.init(clientID: "c", webhookID: "msg_unanswered", webhookTimestamp: 1001))
                == AnsweredAttempt(eventID: nil))
        let nonceIndexes = try connection.scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'webhook_nonces' AND sql IS NOT NULL"
        )
        #expect(nonceIndexes?.integer == 0)
        await store.shutdown()
    }

    @Test func expiredNoncesAndRecordsArePruned() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        _ = try await store.storeDelivery(sampleEvent(1), attempt: Self.attempt, idempotency: Self.draft)
        #expect(try await store.pruneExpired(now: 1300, noncesTimestampedBefore: 1000) == 0)
        #expect(try await store.pruneExpired(now: 1301, noncesTimestampedBefore: 1001) == 1)
        #expect(try await store.answeredAttempt(Self.attempt) == nil)
        #expect(try await store.idempotencyRecord(clientID: "c", key: "msg_1", now: 87399) != nil)
        #expect(try await store.idempotencyRecord(clientID: "c", key: "msg_1", now: 87400) == nil)
        #expect(try await store.pruneExpired(now: 87400, noncesTimestampedBefore: 87100) == 1)
        await store.shutdown()
    }
}
