import Foundation

/// Makes a file read-only even for root, where permission bits are not enforced: the
/// immutable attribute when `chattr` works, else mode 0444.
public struct ReadOnlyFile {
    public let path: String
    public let usesImmutableAttribute: Bool

    public init(path: String) throws {
        self.path = path
        if getuid() == 0, Self.chattr("+i", path) {
            usesImmutableAttribute = true
        } else {
            usesImmutableAttribute = false
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        }
    }

    public func release() throws {
        if usesImmutableAttribute {
            _ = Self.chattr("-i", path)
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        }
    }

    private static func chattr(_ flag: String, _ path: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = [flag, path]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
