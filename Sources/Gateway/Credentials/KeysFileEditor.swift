import Foundation
import Security

/// Safe edits of the keys file: an exclusive lock against a concurrent `gateway keys` run,
/// then the new version written to a temporary file (mode 0600), fsynced, and renamed over
/// the old one, so a reader only ever sees a complete file, old or new.
enum KeysFileEditor {
    /// Reads the file (an absent one counts as empty), applies `change`, validates, writes.
    static func edit<Result>(path: String, _ change: (inout KeysFile) throws -> Result) throws -> Result {
        let lockDescriptor = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lockDescriptor >= 0 else { throw KeysFileError("cannot create lock file \(path).lock: \(systemError())") }
        defer { close(lockDescriptor) }
        // flock(2): blocks until no other process holds the lock; released on close.
        guard flock(lockDescriptor, LOCK_EX) == 0 else {
            throw KeysFileError("cannot lock \(path).lock: \(systemError())")
        }
        var file = try read(path: path)
        let result = try change(&file)
        try file.validate()
        try write(file, to: path)
        return result
    }

    /// The current file, or an empty one when none exists yet.
    static func read(path: String) throws(KeysFileError) -> KeysFile {
        guard FileManager.default.fileExists(atPath: path) else { return KeysFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeysFileError("keys file \(path) cannot be read")
        }
        return try KeysFile.parse(data)
    }

    private static func write(_ file: KeysFile, to path: String) throws(KeysFileError) {
        let data = file.encoded()
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw KeysFileError("cannot create \(temporary): \(systemError())") }
        let written = data.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        // The mode argument of open(2) is reduced by the umask; set it exactly.
        let synced = fchmod(descriptor, 0o600) == 0 && fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count, synced else {
            unlink(temporary)
            throw KeysFileError("cannot write \(temporary): \(systemError())")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw KeysFileError("cannot replace \(path): \(systemError())")
        }
        // The rename itself is durable only once the directory is synced.
        let directory = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
