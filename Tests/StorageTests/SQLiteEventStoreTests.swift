import Foundation
import Security
import Storage
import TestSupport
import Testing

/// The audit chain's hash, as the server wires it.
let testHasher: SQLiteEventStore.Hasher = { SHA256.hexDigest($0) }

/// A store over the database in `directory`, with `configure` applied to the default settings.
func makeStore(
    in directory: TemporaryDirectory, _ configure: (inout SQLiteEventStore.Configuration) -> Void
) throws -> SQLiteEventStore {
    var configuration = SQLiteEventStore.Configuration(path: directory.databasePath)
    configure(&configuration)
    return try SQLiteEventStore(configuration: configuration, hasher: testHasher)
}

func sampleEvent(_ index: Int = 0, receivedAt: String = "2026-12-03T16:04:27.123Z") -> NewAppointmentEvent {
    NewAppointmentEvent(
        eventType: "appointment.scheduled", appointmentID: "apt-\(index)", patientID: "pat-\(index % 7)",
        timestamp: "2025-01-10T12:30:00-04:00", notes: index % 2 == 0 ? nil : "note \(index)", receivedAt: receivedAt,
        rawPayload: "{\"i\": \(index), \"é\": \"x\"}", clientID: "client-\(index % 3)", webhookID: "msg_\(index)",
        idempotencyKey: "key-\(index)", requestID: "req-\(index)")
}

@Suite("SQLite event store")
struct SQLiteEventStoreTests {
    @Test func migrationsRunOnceAndRerunningChangesNothing() throws {
        let directory = try TemporaryDirectory()
        #expect(try SQLiteEventStore.migrate(path: directory.databasePath) == SQLiteMigrations.all.count)
        #expect(try SQLiteEventStore.migrate(path: directory.databasePath) == 0)
        let connection = try SQLiteConnection(path: directory.databasePath)
        #expect(try SQLiteMigrations.currentVersion(connection) == SQLiteMigrations.latestVersion)
        let indexes = try connection.query(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'appointment_events' ORDER BY name"
        ).compactMap { $0.first?.text }
        #expect(
            indexes == [
                "idx_appointment_events_appointment_id", "idx_appointment_events_event_type",
                "idx_appointment_events_patient_id", "idx_appointment_events_received_at",
            ])
    }

    @Test func anAcknowledgedWriteIsAlreadyVisibleToAnotherConnection() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        let observer = try SQLiteConnection(path: directory.databasePath)
        for index in 0..<20 {
            let id = try await store.insert(sampleEvent(index))
            // A second, independent connection sees the row the moment insert returns: it was
            // committed before the acknowledgement.
            let rows = try observer.query("SELECT raw_payload FROM appointment_events WHERE id = ?", [.integer(id)])
            #expect(rows.first?.first?.text == sampleEvent(index).rawPayload)
        }
        await store.shutdown()
    }

    @Test func storedFieldsReadBackExactly() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        let id = try await store.insert(sampleEvent(3))
        let stored = try await store.event(id: id)
        #expect(stored == StoredAppointmentEvent(id: id, event: sampleEvent(3)))
        #expect(try await store.event(id: id + 100) == nil)
        await store.shutdown()
    }

    @Test func concurrentWritesAreCommittedInFewerTransactionsThanWrites() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        let before = store.writer.currentStatistics
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<300 { group.addTask { try await store.insert(sampleEvent(index)) } }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        let after = store.writer.currentStatistics
        #expect(Set(ids).count == 300)
        #expect(after.writes - before.writes == 300)
        // Group commit: many writes share each transaction (and its fsync).
        #expect(after.transactions - before.transactions < 300)
        await store.shutdown()
    }

    @Test func theWriteAheadLogStaysBoundedUnderContinuousWrites() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        // Keep writes (and reads) coming without a pause, as under load, well past the 1000-page
        // point at which the log must be checkpointed and restarted.
        for round in 0..<40 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<250 {
                    group.addTask { _ = try await store.insert(sampleEvent(round * 250 + index)) }
                }
                group.addTask { _ = try await store.events(matching: AppointmentEventQuery(limit: 5)) }
                try await group.waitForAll()
            }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.databasePath + "-wal")
        let walBytes = (attributes[.size] as? Int) ?? .max
        let databaseBytes =
            (try FileManager.default.attributesOfItem(atPath: directory.databasePath)[.size] as? Int) ?? 0
        #expect(walBytes < 8 << 20, "WAL \(walBytes) bytes for a \(databaseBytes)-byte database")
        await store.shutdown()
    }

    @Test func committedEventsReachTheDatabaseFileWithoutWaitingForTheWritersCheckpoint() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        // A few pages of log, far below the 1000 at which the writer itself would checkpoint.
        for index in 0..<3 { _ = try await store.insert(sampleEvent(index)) }
        // The database file alone, copied without its log, holds what was checkpointed into it.
        let copy = directory.url.appendingPathComponent("file-only.db").path
        var copiedEvents: Int64 = 0
        for _ in 0..<100 where copiedEvents < 3 {
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: directory.databasePath, toPath: copy)
            copiedEvents =
                (try? SQLiteConnection(path: copy).scalar("SELECT count(*) FROM appointment_events"))??
                .integer ?? 0
            if copiedEvents < 3 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(copiedEvents == 3)
        await store.shutdown()
    }

    @Test func listingWalksEveryRowOnceNewestFirstWithFilters() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        for index in 0..<23 {
            _ = try await store.insert(
                sampleEvent(index, receivedAt: String(format: "2026-12-03T10:%02d:00.000Z", index)))
        }
        var seen: [Int64] = []
        var query = AppointmentEventQuery(limit: 5)
        while true {
            let page = try await store.events(matching: query)
            seen += page.events.map(\.id)
            guard let next = page.nextBeforeID else { break }
            query.beforeID = next
        }
        #expect(seen == (1...23).reversed().map(Int64.init))
        let filtered = try await store.events(
            matching: AppointmentEventQuery(
                clientID: "client-1", since: "2026-12-03T10:04:00.000Z", until: "2026-12-03T10:16:00.000Z", limit: 50))
        #expect(filtered.events.map(\.event.appointmentID) == ["apt-13", "apt-10", "apt-7", "apt-4"])
        let byPatient = try await store.events(matching: AppointmentEventQuery(patientID: "pat-2", limit: 50))
        #expect(byPatient.events.allSatisfy { $0.event.patientID == "pat-2" } && byPatient.events.count == 3)
        await store.shutdown()
    }

    @Test func aReadOnlyFileIsUnavailableAndWritesRecoverOnceWritableWithoutRestart() async throws {
        let directory = try TemporaryDirectory()
        let seeded = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        _ = try await seeded.insert(sampleEvent(1))
        await seeded.shutdown()

        let lock = try ReadOnlyFile(path: directory.databasePath)
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: testHasher)
        await #expect(throws: StorageError.self) { try await store.insert(sampleEvent(2)) }
        await #expect(throws: StorageError.self) { try await store.checkHealth() }
        do {
            _ = try await store.insert(sampleEvent(2))
        } catch let error as StorageError {
            guard case .unavailable = error else {
                Issue.record("expected unavailable, got \(error)")
                return
            }
        }
        try lock.release()
        let id = try await store.insert(sampleEvent(3))
        #expect(try await store.event(id: id)?.event == sampleEvent(3))
        try await store.checkHealth()
        await store.shutdown()
    }

    @Test func aFullWriteQueueRefusesInsteadOfGrowing() async throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(in: directory) {
            $0.writeQueueCapacity = 1
            $0.maximumBatchSize = 1
        }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        _ = try await store.insert(sampleEvent(index))
                        return "stored"
                    } catch StorageError.overloaded {
                        return "overloaded"
                    } catch {
                        return "other"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.contains("overloaded"))
        #expect(!outcomes.contains("other"))
        let stored = outcomes.filter { $0 == "stored" }.count
        let rows = try SQLiteConnection(path: directory.databasePath).scalar("SELECT count(*) FROM appointment_events")
        #expect(rows?.integer == Int64(stored))
        await store.shutdown()
    }

    @Test func aDatabaseLockedByAnotherProcessPastTheTimeoutIsUnavailable() async throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(in: directory) { $0.busyTimeoutMilliseconds = 100 }
        let holder = try SQLiteConnection(path: directory.databasePath)
        try holder.execute("BEGIN EXCLUSIVE")
        await #expect(throws: StorageError.self) { try await store.insert(sampleEvent(1)) }
        try holder.execute("ROLLBACK")
        _ = try await store.insert(sampleEvent(2))
        await store.shutdown()
    }
}
