import Foundation

/// A fresh directory per test, removed at the end.
public final class TemporaryDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("storage-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var databasePath: String { url.appendingPathComponent("events.db").path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
