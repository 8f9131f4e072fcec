import Foundation
import Storage
import TestSupport
import Testing

/// Storage faults injected under a running gateway: it answers 503 `storage_unavailable` with
/// `Retry-After`, never a 201, stays up, and recovers by itself when the fault clears.
@Suite("Fault injection")
struct FaultInjectionTests {
    static func event(_ index: Int) -> String {
        #"{"event_type":"appointment.scheduled","appointment_id":"apt-\#(index)","patient_id":"p","timestamp":"2025-01-10T12:30:00Z","notes":"\#(String(repeating: "n", count: 1500))"}"#
    }

    static func expectUnavailable(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 503, sourceLocation: sourceLocation)
        #expect(response.json["code"] as? String == "storage_unavailable", sourceLocation: sourceLocation)
        #expect(Int(response.header("Retry-After") ?? "") ?? 0 >= 1, sourceLocation: sourceLocation)
    }

    @Test func aDatabaseHeldLockedByAnotherProcessIs503UntilReleased() throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        #expect(try TestHTTPClient.postEvent(gateway.port, Self.event(0)).status == 201)
        // Another process takes the write lock and holds it well past the 2 s busy timeout.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys, time
            connection = sqlite3.connect(sys.argv[1], isolation_level=None)
            connection.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(float(sys.argv[2]))
            connection.execute("ROLLBACK")
            """, gateway.databasePath, "3.5",
        ]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        _ = output.fileHandleForReading.availableData  // "locked"
        let started = Date()
        Self.expectUnavailable(try TestHTTPClient.postEvent(gateway.port, Self.event(1)))
        #expect(Date().timeIntervalSince(started) < 3.4, "answered after the busy timeout, not after the lock")
        holder.waitUntilExit()
        #expect(try TestHTTPClient.postEvent(gateway.port, Self.event(2)).status == 201)
        #expect(gateway.process.isRunning)
        let rows = try SQLiteConnection(path: gateway.databasePath).scalar("SELECT count(*) FROM appointment_events")
        #expect(rows?.integer == 2)
    }

    @Test func aFullDiskIs503UntilSpaceIsFreed() throws {
        let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", mountPoint.path]) else {
            // Creating a small filesystem needs root (CI and these machines run as root).
            Issue.record("cannot mount a tmpfs here; run the tests as root")
            return
        }
        defer { _ = run("/bin/umount", ["-l", mountPoint.path]) }
        let database = mountPoint.appendingPathComponent("events.db").path
        let gateway = try GatewayProcess(environment: ["WEBHOOK_DB_PATH": database])
        defer { gateway.stop() }
        #expect(try TestHTTPClient.postEvent(gateway.port, Self.event(0)).status == 201)
        // Fill what is left of the filesystem.
        let filler = mountPoint.appendingPathComponent("filler").path
        _ = run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k", "count=1000"])
        var statuses: [Int] = []
        for index in 1...400 {
            let status = try TestHTTPClient.postEvent(gateway.port, Self.event(index)).status
            statuses.append(status)
            if status == 503 { break }
        }
        #expect(statuses.last == 503)
        #expect(Set(statuses).isSubset(of: [201, 503]))
        Self.expectUnavailable(try TestHTTPClient.postEvent(gateway.port, Self.event(1000)))
        try FileManager.default.removeItem(atPath: filler)
        #expect(try TestHTTPClient.postEvent(gateway.port, Self.event(1001)).status == 201)
        #expect(gateway.process.isRunning)
        let stored = try SQLiteConnection(path: database).scalar("SELECT count(*) FROM appointment_events")?.integer
        #expect(stored == Int64(statuses.filter { $0 == 201 }.count + 2))
    }

    private func run(_ executable: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
